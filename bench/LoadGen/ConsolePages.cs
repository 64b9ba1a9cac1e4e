namespace WebTicketing.Bench.LoadGen;

public static class ConsolePages
{
    public static Task<int> RunAsync(Options options) => Task.FromResult(2);
}
