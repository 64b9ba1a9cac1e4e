using WebTicketing.Core.Hosting;
using WebTicketing.IvrWebhooks.Sms;
using WebTicketing.IvrWebhooks.DevPhone;
using WebTicketing.IvrWebhooks.Twilio;
using WebTicketing.IvrWebhooks.Voice;

var builder = WebApplication.CreateBuilder(args);
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
