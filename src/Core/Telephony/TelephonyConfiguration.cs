using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebTicketing.Core.Telephony;

internal sealed class CallbackTaskConfiguration : IEntityTypeConfiguration<CallbackTask>
{
    public void Configure(EntityTypeBuilder<CallbackTask> task)
    {
        // One task per call and reason: the status callback may arrive twice.
        task.HasIndex(t => new { t.CallSid, t.Reason }).IsUnique();
        task.HasIndex(t => new { t.ClosedAt, t.Id });
        task.Property(t => t.Reason).HasConversion<string>().HasMaxLength(24);
        task.Property(t => t.Language).HasConversion<string>().HasMaxLength(2);
    }
}

internal sealed class TransferredCallConfiguration : IEntityTypeConfiguration<TransferredCall>
{
    public void Configure(EntityTypeBuilder<TransferredCall> call)
    {
        call.HasIndex(c => c.CallSid);
        call.HasIndex(c => c.At);
    }
}
