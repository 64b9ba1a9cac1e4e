using System.Diagnostics;
using Hangfire.Common;
using Hangfire.Server;

namespace WebTicketing.Core.Hosting;

/// <summary>
/// Each job a server performs is a span (<c>job SlaJobs.CheckAsync</c>), the parent of its EF queries and of the HTTP
/// calls it makes, so a slow SLA check or a failing SMS send shows in the same traces as the webhooks.
/// </summary>
public sealed class JobTracing : IServerFilter
{
    private const string ActivityKey = "WebTicketing.Activity";

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        var activity = Telemetry.Source.StartActivity($"job {job.Type.Name}.{job.Method.Name}", ActivityKind.Internal);
        if (activity is null)
        {
            return;
        }
        activity.SetTag("job.id", context.BackgroundJob.Id);
        activity.SetTag("job.created_at", context.BackgroundJob.CreatedAt.ToString("O"));
        context.Items[ActivityKey] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(ActivityKey, out var item) || item is not Activity activity)
        {
            return;
        }
        if (context.Exception is { } exception && !context.ExceptionHandled)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.InnerException?.Message ?? exception.Message);
        }
        activity.Dispose();
    }
}
