using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace WebTicketing.Core.Hosting;

/// <summary>One activity source and one meter for the whole product, so the Aspire dashboard shows webhooks, queries and jobs together.</summary>
public static class Telemetry
{
    public const string Name = "WebTicketing";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> CasesOpened = Meter.CreateCounter<long>("webticketing.cases.opened", description: "Cases opened, by channel");

    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        // The Aspire host sets the endpoint. Without it nothing would be exported, yet registered instrumentation
        // still builds an activity for every request and every SQL command and aggregates every metric (measured:
        // a good part of an IVR step's CPU), so nothing is registered at all.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Name))
            .WithTracing(tracing => tracing
                .AddSource(Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != "/healthz")
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
