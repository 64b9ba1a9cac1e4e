var builder = DistributedApplication.CreateBuilder(args);

// Both apps share one data folder (SQLite file, job store, recordings). Aspire starts each app in its own project
// folder, so a relative Storage:Root would split them: pin it to the repository's data/ unless configured.
var storageRoot = builder.Configuration["Storage:Root"]
    ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..", "data"));

builder.AddProject<Projects.WebTicketing_IvrWebhooks>("ivr-webhooks")
    .WithEnvironment("Storage__Root", storageRoot)
    // Fixed, unproxied ports: Twilio's console and the README point at them.
    .WithEndpoint("http", endpoint =>
    {
        endpoint.Port = 5080;
        endpoint.IsProxied = false;
    })
    .WithHttpHealthCheck("/healthz");

builder.AddProject<Projects.WebTicketing_AgentConsole>("agent-console")
    .WithEnvironment("Storage__Root", storageRoot)
    .WithEndpoint("http", endpoint =>
    {
        endpoint.Port = 5090;
        endpoint.IsProxied = false;
    })
    .WithHttpHealthCheck("/healthz");

builder.Build().Run();
