using WebTicketing.Core.Hosting;
using WebTicketing.IvrWebhooks.Sms;
using WebTicketing.IvrWebhooks.DevPhone;
using WebTicketing.IvrWebhooks.Twilio;
using WebTicketing.IvrWebhooks.Voice;

// The slim builder leaves out what a webhook endpoint behind a proxy never uses (IIS integration, HTTP/3's QUIC
// probe, the debug and event-source loggers) and the code they load; HTTPS endpoints in Kestrel's configuration
// still work.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
builder.AddCore();
builder.Services.AddVoice();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/healthz");

var twilio = app.MapTwilioGroup();
twilio.MapSms();
twilio.MapVoice();
app.MapDevPhone();

await app.Services.InitializeDatabaseAsync();
app.Run();
