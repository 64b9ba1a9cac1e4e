using WebTicketing.Core.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCore();
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/healthz");

await app.Services.InitializeDatabaseAsync();
app.Run();
