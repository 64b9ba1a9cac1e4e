using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebTicketing.Core.Notifications;

internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.ToTable("Outbox");
        message.HasIndex(m => m.DedupKey).IsUnique();
        message.HasIndex(m => m.MessageSid);
        message.HasIndex(m => new { m.Status, m.NextAttemptAt });
        message.HasIndex(m => m.CaseId);
        message.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
    }
}
