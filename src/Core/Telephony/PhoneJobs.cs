namespace WebTicketing.Core.Telephony;

/// <summary>
/// The Hangfire queue of the jobs only the phone line runs (they need its HTTP client and its per-call locks): only
/// IvrWebhooks' servers serve it (<c>Jobs:Queues</c>). Their code is in Core all the same, because every server on the
/// shared job store must load them: the console's scheduler moves a retried download back to its queue and triggers
/// the daily retention, and Hangfire fails a job whose method it cannot find.
/// </summary>
public static class PhoneJobs
{
    public const string Queue = "phone";
}
