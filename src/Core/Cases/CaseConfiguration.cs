using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebTicketing.Core.Cases;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> @case)
    {
        @case.HasIndex(c => c.Number).IsUnique();
        @case.Property(c => c.Number).HasMaxLength(CaseNumber.Length);
        @case.HasIndex(c => c.OpeningKey).IsUnique();
        @case.Property(c => c.Version).IsConcurrencyToken();
        @case.Property(c => c.Language).HasConversion<string>().HasMaxLength(2);

        // Every foreign key the console filters on leads its own index, paired with Id for keyset paging.
        @case.HasIndex(c => new { c.Status, c.Id });
        @case.HasIndex(c => new { c.Severity, c.Id });
        @case.HasIndex(c => new { c.OrganizationId, c.Id });
        @case.HasIndex(c => new { c.SiteId, c.Id });
        @case.HasIndex(c => new { c.RegionId, c.Id });
        @case.HasIndex(c => new { c.SupportGroupId, c.Id });
        @case.HasIndex(c => new { c.AssigneeId, c.Id });

        @case.HasOne(c => c.Organization).WithMany().OnDelete(DeleteBehavior.Restrict);
        @case.HasOne(c => c.Site).WithMany().OnDelete(DeleteBehavior.Restrict);
        @case.HasOne(c => c.Region).WithMany().OnDelete(DeleteBehavior.Restrict);
        @case.HasOne(c => c.Equipment).WithMany().OnDelete(DeleteBehavior.Restrict);
        @case.HasOne(c => c.Contact).WithMany().OnDelete(DeleteBehavior.SetNull);
        @case.HasOne(c => c.SupportGroup).WithMany().OnDelete(DeleteBehavior.Restrict);
        @case.HasOne(c => c.Assignee).WithMany().OnDelete(DeleteBehavior.SetNull);

        @case.OwnsOne(c => c.Sla, sla =>
        {
            sla.Property(s => s.FirstTarget).HasConversion<string>().HasMaxLength(16);
            sla.HasIndex(s => s.NextDueAt);
            // The minute sweep reads only this column: "NextCheckAt <= now" must stay an index range scan at 100k open cases.
            sla.HasIndex(s => s.NextCheckAt);
        });
    }
}

internal sealed class CaseEventConfiguration : IEntityTypeConfiguration<CaseEvent>
{
    public void Configure(EntityTypeBuilder<CaseEvent> caseEvent)
    {
        caseEvent.HasIndex(e => new { e.CaseId, e.Id });
        caseEvent.Property(e => e.Kind).HasConversion<string>().HasMaxLength(32);
    }
}
