using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebTicketing.Core.Cases;

namespace WebTicketing.Core.Sla;

public static class SlaRegistration
{
    /// <summary>The SLA policy (section <c>Sla</c>, validated on start), the clock, and its Hangfire jobs.</summary>
    public static IHostApplicationBuilder AddSla(this IHostApplicationBuilder builder)
    {
        var options = builder.Services.AddOptions<SlaOptions>().BindConfiguration("Sla")
            // Binding appends to a list, so the default is filled in only when configuration named none.
            .PostConfigure(o =>
            {
                if (o.UrgentSeverities.Count == 0)
                {
                    o.UrgentSeverities.Add(Severity.Critical);
                }
            })
            .Validate(o => o.UrgentSeverities.All(Enum.IsDefined), "Sla:UrgentSeverities may only hold severities 1 to 4.")
            .Validate(o => o.StartWorkWithin > TimeSpan.Zero, "Sla:StartWorkWithin must be a positive time span (e.g. 02:00:00).")
            .Validate(o => o.FirstResponseWorkingTime > TimeSpan.Zero, "Sla:FirstResponseWorkingTime must be a positive time span (e.g. 09:00:00).")
            .Validate(o => o.WarningAt is > 0 and < 1, "Sla:WarningAt must be between 0 and 1 (e.g. 0.75).");
        for (var tier = 1; tier <= Directory.SupportGroup.TopTier; tier++)
        {
            foreach (var severity in Enum.GetValues<Severity>())
            {
                var (t, s) = (tier, severity);
                options.Validate(o => o.Budget(t, s) > TimeSpan.Zero, $"Sla:Resolution:Tier{t}:{s} must be a positive time span (e.g. 1.03:00:00).");
            }
        }
        options.ValidateOnStart();

        builder.Services.AddSingleton<SlaClock>();
        builder.Services.AddScoped<SlaJobScheduler>();
        builder.Services.AddSingleton<SlaJobQueue>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SlaJobQueue>());
        builder.Services.AddScoped<SlaJobs>();
        builder.Services.AddHostedService<SlaJobsStartup>();
        return builder;
    }
}
