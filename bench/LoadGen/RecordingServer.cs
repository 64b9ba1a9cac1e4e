using System.Net;

namespace WebTicketing.Bench.LoadGen;

/// <summary>
/// Plays Twilio's media host: answers every GET with one second of silent WAV, so the IVR's recording downloads
/// succeed over loopback instead of failing (and retrying) against api.twilio.com.
/// </summary>
public sealed class RecordingServer : IDisposable
{
    private static readonly byte[] Wav = SilentWav(8000);
    private readonly HttpListener listener = new();

    public RecordingServer(int port)
    {
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        BaseUrl = $"http://127.0.0.1:{port}/Recordings";
        _ = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }
    public int Served { get; private set; }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            context.Response.ContentType = "audio/x-wav";
            context.Response.ContentLength64 = Wav.Length;
            await context.Response.OutputStream.WriteAsync(Wav);
            context.Response.Close();
            Served++;
        }
    }

    private static byte[] SilentWav(int samples)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(8000);
        writer.Write(16000);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        writer.Write(new byte[samples * 2]);
        writer.Flush();
        return stream.ToArray();
    }

    public void Dispose() => listener.Close();
}
