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

internal sealed class InboundSmsConfiguration : IEntityTypeConfiguration<InboundSms>
{
    public void Configure(EntityTypeBuilder<InboundSms> inbound)
    {
        inbound.HasIndex(m => m.MessageSid).IsUnique();
        inbound.HasIndex(m => new { m.From, m.ReceivedAt });
    }
}

internal sealed class SmsOptOutConfiguration : IEntityTypeConfiguration<SmsOptOut>
{
    public void Configure(EntityTypeBuilder<SmsOptOut> optOut) => optOut.HasKey(o => o.Phone);
}
