using WebTicketing.Core.Cases;

namespace WebTicketing.AgentConsole.Cases;

public static class CaseNumberFormat
{
    /// <summary>"1234 5678", as the number is printed on SMS and read on the phone.</summary>
    public static string Grouped(string number) => CaseNumber.TryParse(number, out var parsed) ? parsed.Grouped : number;
}
