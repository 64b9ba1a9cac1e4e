using WebTicketing.Core.Hosting;
using WebTicketing.IvrWebhooks.Sms;
using WebTicketing.IvrWebhooks.Twilio;

var builder = WebApplication.CreateBuilder(args);
builder.AddCore();
builder.Services.AddTwilioWebhooks();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/healthz");

var twilio = app.MapTwilioGroup();
twilio.MapSms();

await app.Services.InitializeDatabaseAsync();
app.Run();
