using System.Collections.Specialized;
using System.Text;
using Microsoft.Data.Sqlite;
using Twilio.Security;
using Twilio.TwiML;
using Gather = Twilio.TwiML.Voice.Gather;
using Say = Twilio.TwiML.Voice.Say;

// The ceilings the IVR is measured against, in the same run on the same cores:
//   POST /fixed   a fixed TwiML document (Kestrel + routing, nothing else)
//   POST /twiml   Twilio's RequestValidator over the form + a VoiceResponse built per request
//   POST /insert  /fixed plus one SQLite insert per request (WAL, synchronous=NORMAL, one writer at a time)
//   POST /insert-unserialized  the same insert without the in-process gate: what SQLite's busy handler costs
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var authToken = app.Configuration["AuthToken"] ?? "bench-token";
var databasePath = app.Configuration["Database"] ?? Path.Combine(Path.GetTempPath(), "bench-baseline.db");
var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true, DefaultTimeout = 15 }.ToString();
var fixedDocument = Encoding.UTF8.GetBytes(
    """<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/twilio/voice/menu" numDigits="1" timeout="5"><Say language="es-ES" voice="Polly.Lucia">Para abrir un caso, pulse 1. Para conocer el estado de un caso, pulse 2. Para hablar con un agente, pulse 0.</Say></Gather><Redirect>/twilio/voice/menu</Redirect></Response>""");

using (var connection = Open())
{
    using var create = connection.CreateCommand();
    create.CommandText = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE IF NOT EXISTS Steps (Id INTEGER PRIMARY KEY, CallSid TEXT NOT NULL, Digits TEXT, At INTEGER NOT NULL);
        """;
    create.ExecuteNonQuery();
}
var writeGate = new SemaphoreSlim(1, 1);

app.MapPost("/fixed", (HttpContext http) => WriteFixed(http));

app.MapPost("/twiml", async (HttpContext http) =>
{
    var form = await http.Request.ReadFormAsync(http.RequestAborted);
    var parameters = new NameValueCollection();
    foreach (var (key, values) in form)
    {
        parameters.Add(key, string.Join(",", values.ToArray()));
    }
    var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}{http.Request.QueryString}";
    if (!new RequestValidator(authToken).Validate(url, parameters, http.Request.Headers["X-Twilio-Signature"].ToString()))
    {
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return;
    }
    var response = new VoiceResponse();
    var gather = new Gather(action: new Uri("/twilio/voice/menu", UriKind.Relative), numDigits: 1, timeout: 5);
    gather.Say("Para abrir un caso, pulse 1. Para conocer el estado de un caso, pulse 2. Para hablar con un agente, pulse 0.",
        voice: "Polly.Lucia", language: Say.LanguageEnum.EsEs);
    response.Append(gather).Redirect(new Uri("/twilio/voice/menu", UriKind.Relative));
    http.Response.ContentType = "application/xml; charset=utf-8";
    await http.Response.WriteAsync(response.ToString(), http.RequestAborted);
});

app.MapPost("/insert", (HttpContext http) => InsertAsync(http, serialize: true));
app.MapPost("/insert-unserialized", (HttpContext http) => InsertAsync(http, serialize: false));
app.MapGet("/healthz", () => "ok");
app.Run();

async Task InsertAsync(HttpContext http, bool serialize)
{
    var form = await http.Request.ReadFormAsync(http.RequestAborted);
    if (serialize)
    {
        await writeGate.WaitAsync(http.RequestAborted);
    }
    try
    {
        await using var connection = Open();
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO Steps (CallSid, Digits, At) VALUES ($sid, $digits, $at)";
        insert.Parameters.AddWithValue("$sid", form["CallSid"].ToString());
        insert.Parameters.AddWithValue("$digits", form["Digits"].ToString());
        insert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.UtcTicks);
        await insert.ExecuteNonQueryAsync(http.RequestAborted);
    }
    finally
    {
        if (serialize)
        {
            writeGate.Release();
        }
    }
    await WriteFixed(http);
}

Task WriteFixed(HttpContext http)
{
    http.Response.ContentType = "application/xml; charset=utf-8";
    return http.Response.Body.WriteAsync(fixedDocument, http.RequestAborted).AsTask();
}

// Per-connection settings on every open, as the apps' SqlitePragmas interceptor does.
SqliteConnection Open()
{
    var connection = new SqliteConnection(connectionString);
    connection.Open();
    using var pragmas = connection.CreateCommand();
    pragmas.CommandText = "PRAGMA synchronous=NORMAL;";
    pragmas.ExecuteNonQuery();
    return connection;
}
