using System.Diagnostics.CodeAnalysis;

namespace WebTicketing.Core.Telephony;

public static class PhoneNumbers
{
    /// <summary>E.164: a plus, a non-zero country digit, at most 15 digits in all. Twilio sends caller IDs this way.</summary>
    public static bool IsE164([NotNullWhen(true)] string? number) =>
        number is { Length: >= 8 and <= 16 } && number[0] == '+' && number[1] is >= '1' and <= '9' && number.Skip(1).All(char.IsAsciiDigit);
}
