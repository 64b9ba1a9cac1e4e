using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.AgentConsole.Cases;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Telephony;

namespace WebTicketing.AgentConsole.Callbacks;

/// <summary>The phone line's leftovers — abandoned calls and callback requests — as a worklist agents take and close.</summary>
public sealed class CallbackTasks(WebTicketingDb db, CaseWorkflow workflow, CurrentUser user, TimeProvider time)
{
    /// <summary>Takes the task unless another agent got there first; one UPDATE decides, so two agents never both own it.</summary>
    public async Task<bool> TakeAsync(int taskId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var taken = await db.CallbackTasks
            .Where(t => t.Id == taskId && t.TakenByAgentId == null && t.ClosedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.TakenByAgentId, user.AgentId).SetProperty(t => t.TakenAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return taken == 1;
    }

    public async Task<bool> CloseAsync(int taskId, string? outcome, CancellationToken cancellationToken)
    {
        var task = await db.CallbackTasks.SingleOrDefaultAsync(t => t.Id == taskId && t.ClosedAt == null, cancellationToken);
        if (task is null)
        {
            return false;
        }
        task.ClosedAt = time.GetUtcNow();
        task.Outcome = string.IsNullOrWhiteSpace(outcome) ? "called back" : outcome.Trim();
        task.TakenByAgentId ??= user.AgentId;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Opens a case from what the call collected and carries its recording and transcription over; the task's id
    /// is the opening key, so a second click finds the same case.
    /// </summary>
    public async Task<CaseChange> OpenCaseAsync(int taskId, int equipmentId, Severity severity, CancellationToken cancellationToken)
    {
        var task = await db.CallbackTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return CaseChange.NotFound;
        }
        var description = task.Transcription ?? $"Callback to {task.CallbackPhone ?? task.CallerPhone ?? "unknown caller"}";
        var opened = await workflow.OpenAsync(
            new OpenCaseRequest(equipmentId, severity, description, Channel.Phone, task.ContactId,
                task.CallbackPhone ?? task.CallerPhone, task.Language, OpeningKey: $"callback:{task.Id}"),
            user.Actor, cancellationToken);
        if (!opened.Succeeded || opened.Case is not { } @case)
        {
            return opened;
        }
        // The call's recorded description becomes the case's, exactly as when the IVR opens the case itself.
        var withRecording = task.RecordingPath is { } path
            ? await workflow.AttachRecordingAsync(@case.Id, task.RecordingSid ?? path, path, isDescription: true, user.Actor, cancellationToken)
            : opened;
        if (withRecording.Succeeded && !string.IsNullOrWhiteSpace(task.Transcription))
        {
            withRecording = await workflow.AttachTranscriptionAsync(@case.Id, task.Transcription, user.Actor, cancellationToken);
        }
        db.ChangeTracker.Clear();
        var tracked = await db.CallbackTasks.SingleAsync(t => t.Id == taskId, cancellationToken);
        tracked.CaseId = @case.Id;
        tracked.ClosedAt ??= time.GetUtcNow();
        tracked.Outcome ??= "case opened";
        tracked.TakenByAgentId ??= user.AgentId;
        await db.SaveChangesAsync(cancellationToken);
        return withRecording.Succeeded ? withRecording : opened;
    }
}

public static class CallbackTaskRegistration
{
    public static IServiceCollection AddCallbackTasks(this IServiceCollection services) => services.AddScoped<CallbackTasks>();

    /// <summary>The recording a caller left before hanging up: staff only, from the recordings store.</summary>
    public static IEndpointRouteBuilder MapCallbackTasks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/callbacks/{id:int}/recording", async Task<Results<PhysicalFileHttpResult, NotFound>> (
                int id, WebTicketingDb db, IOptions<StorageOptions> storage, CancellationToken ct) =>
            {
                var relative = await db.CallbackTasks.AsNoTracking().Where(t => t.Id == id).Select(t => t.RecordingPath).SingleOrDefaultAsync(ct);
                return relative is not null && CaseFiles.Inside(storage.Value.RecordingsPath, relative) is { } full && File.Exists(full)
                    ? CaseFiles.Audio(full)
                    : TypedResults.NotFound();
            })
            .RequireAuthorization(ConsoleIdentity.StaffPolicy);
        return app;
    }
}
