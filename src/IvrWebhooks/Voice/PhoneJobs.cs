namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// The Hangfire queue of the jobs whose code lives in this app. Only IvrWebhooks' servers serve it (<c>Jobs:Queues</c>
/// in its appsettings.json): the console shares the job store but could not load these jobs.
/// </summary>
public static class PhoneJobs
{
    public const string Queue = "phone";
}
