using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebTicketing.Core.Cases;

/// <summary>A file a customer or agent added to a case; the bytes live in the attachments store, outside any web root.</summary>
public sealed class CaseAttachment
{
    public int Id { get; set; }
    public int CaseId { get; set; }
    public Case Case { get; set; } = null!;
    /// <summary>The name the uploader gave the file: shown, never used as a path.</summary>
    public required string FileName { get; set; }
    /// <summary>Path relative to the attachments store, chosen by us.</summary>
    public required string StoredPath { get; set; }
    public required string ContentType { get; set; }
    public long Length { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public required string AddedBy { get; set; }
    /// <summary>Whether the customer sees it: staff may attach internal files.</summary>
    public bool IsPublic { get; set; } = true;
}

internal sealed class CaseAttachmentConfiguration : IEntityTypeConfiguration<CaseAttachment>
{
    public void Configure(EntityTypeBuilder<CaseAttachment> attachment)
    {
        attachment.HasIndex(a => new { a.CaseId, a.Id });
        attachment.Property(a => a.FileName).HasMaxLength(255);
        attachment.Property(a => a.StoredPath).HasMaxLength(255);
        attachment.Property(a => a.ContentType).HasMaxLength(64);
    }
}
