using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebTicketing.Core.Directory;

/// <summary>
/// A one-time login link as it would be mailed. There is no mail sender yet (Local mode): an admin hands the link over
/// from the outbox view, so it is kept in the database, where every instance sees it and a restart keeps it. The link
/// carries Identity's password-reset token, which setting the password spends; only admins see these rows.
/// </summary>
public sealed class LoginLinkMail
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public required string To { get; set; }
    public required string Link { get; set; }
}

internal sealed class LoginLinkMailConfiguration : IEntityTypeConfiguration<LoginLinkMail>
{
    public void Configure(EntityTypeBuilder<LoginLinkMail> mail)
    {
        mail.Property(m => m.To).HasMaxLength(256);
        mail.Property(m => m.UserId).HasMaxLength(64);
        mail.HasIndex(m => m.At);
    }
}
