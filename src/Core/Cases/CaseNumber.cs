using System.Diagnostics.CodeAnalysis;

namespace WebTicketing.Core.Cases;

/// <summary>
/// Eight digits, the last a Luhn check digit, so a caller's or customer's mistyped number is caught before any lookup
/// (Luhn catches every single-digit error and most swaps of adjacent digits).
/// </summary>
public readonly record struct CaseNumber
{
    public const int Length = 8;
    // Seven-digit bodies from 1000000 keep every number eight digits long with no leading zero to lose on a keypad.
    private const long FirstBody = 1_000_000;
    private const long LastBody = 9_999_999;

    private CaseNumber(string value) => Value = value;

    public string Value { get; }

    public static CaseNumber FromSequence(long sequence)
    {
        var body = FirstBody + sequence - 1;
        if (sequence < 1 || body > LastBody)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "Case number space exhausted.");
        }
        var digits = body.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new CaseNumber(digits + CheckDigit(digits));
    }

    public static bool TryParse([NotNullWhen(true)] string? input, out CaseNumber number)
    {
        number = default;
        var digits = new string((input ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
        if (digits.Length != Length || !digits.All(char.IsAsciiDigit) || digits[0] == '0'
            || CheckDigit(digits[..^1]) != digits[^1])
        {
            return false;
        }
        number = new CaseNumber(digits);
        return true;
    }

    /// <summary>"1234 5678": how the number is printed and read aloud in two groups.</summary>
    public string Grouped => $"{Value[..4]} {Value[4..]}";

    public override string ToString() => Value;

    private static char CheckDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            // Double every second digit counting leftwards from the one next to the check digit.
            var digit = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }
}
