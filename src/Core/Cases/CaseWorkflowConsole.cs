using Microsoft.EntityFrameworkCore;

namespace WebTicketing.Core.Cases;

/// <summary>The changes the web console adds: attachments, the case's contact, and recordings carried over from a call.</summary>
public sealed partial class CaseWorkflow
{
    /// <summary>Records a file already written to the attachments store; the timeline names it.</summary>
    public Task<CaseChange> AttachAsync(int caseId, int? expectedVersion, CaseAttachment attachment, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, expectedVersion, actor, @case =>
        {
            if (!attachment.IsPublic && !actor.IsStaff)
            {
                return "Only support staff can add internal attachments.";
            }
            attachment.CaseId = @case.Id;
            attachment.AddedAt = time.GetUtcNow();
            attachment.AddedBy = actor.DisplayName;
            db.Add(attachment);
            Record(@case, CaseEventKind.AttachmentAdded, actor, attachment.FileName, attachment.IsPublic);
            return null;
        }, cancellationToken);

    /// <summary>Who to talk to about the case: a contact of the case's organization, and the number to call back.</summary>
    public Task<CaseChange> ChangeContactAsync(int caseId, int? expectedVersion, int? contactId, string? callbackPhone, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, expectedVersion, actor, @case =>
        {
            var contact = contactId is { } id
                ? db.Contacts.AsNoTracking().SingleOrDefault(c => c.Id == id && c.OrganizationId == @case.OrganizationId)
                : null;
            if (contactId is not null && contact is null)
            {
                return "That contact does not belong to the case's organization.";
            }
            var phone = string.IsNullOrWhiteSpace(callbackPhone) ? null : callbackPhone.Trim();
            if (@case.ContactId == contactId && @case.CallbackPhone == phone)
            {
                return null;
            }
            @case.ContactId = contactId;
            @case.CallbackPhone = phone;
            Record(@case, CaseEventKind.ContactUpdated, actor, string.Join(", ", new[] { contact?.Name, phone }.Where(s => s is not null)), isPublic: true);
            return null;
        }, cancellationToken);
}
