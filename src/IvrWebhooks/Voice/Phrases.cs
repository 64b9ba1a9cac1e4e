using System.Globalization;
using System.Resources;
using Twilio.TwiML;
using Dial = Twilio.TwiML.Voice.Dial;
using Gather = Twilio.TwiML.Voice.Gather;
using RecordVerb = Twilio.TwiML.Voice.Record;
using PostMethod = global::Twilio.Http.HttpMethod;
using SayVerb = Twilio.TwiML.Voice.Say;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// The prompts of one call in its language (Prompts.resx is Spanish, Prompts.en.resx English), spoken with the
/// configured voice, and the caller's spoken answers mapped back to keypad digits.
/// </summary>
public sealed class Phrases(Language language, VoiceNames voices)
{
    private static readonly ResourceManager Resources = new("WebTicketing.IvrWebhooks.Voice.Prompts", typeof(Phrases).Assembly);

    public Language Language { get; } = language;
    public CultureInfo Culture { get; } = CultureOf(language);

    public static CultureInfo CultureOf(Language language) => CultureInfo.GetCultureInfo(language == Language.En ? "en-US" : "es-ES");

    public string this[string key] => Prompts.GetOrAdd((Language, key), static (k, culture) =>
        Resources.GetString(k.Item2, culture) ?? throw new InvalidOperationException($"Prompt {k.Item2} is missing."), Culture);

    // ResourceManager takes a lock on every lookup, and a step says several prompts: under load the lock was contended.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Language, string), string> Prompts = new();

    public string Format(string key, params object[] args) => string.Format(Culture, this[key], args);

    public VoiceResponse Say(VoiceResponse response, string text) =>
        response.Say(text, voice: voices.For(Language), language: Language == Language.En ? SayVerb.LanguageEnum.EnUs : SayVerb.LanguageEnum.EsEs);

    public Gather Say(Gather gather, string text) =>
        gather.Say(text, voice: voices.For(Language), language: Language == Language.En ? SayVerb.LanguageEnum.EnUs : SayVerb.LanguageEnum.EsEs);

    /// <summary>A keypad-and-speech choice of one key; speech hints come from the same table that maps words to digits.</summary>
    public Gather Choice(string action, string speechKey, bool actionOnEmpty = true) => new(
        input: [Gather.InputEnum.Dtmf, Gather.InputEnum.Speech],
        action: new Uri(action, UriKind.Relative),
        method: PostMethod.Post,
        timeout: 6,
        speechTimeout: "auto",
        numDigits: 1,
        language: Language == Language.En ? Gather.LanguageEnum.EnUs : Gather.LanguageEnum.EsEs,
        hints: string.Join(", ", SpeechTable(speechKey).Keys),
        actionOnEmptyResult: actionOnEmpty);

    /// <summary>A number on the keypad ended by #.</summary>
    public static Gather Keypad(string action, int timeout = 10) => new(
        input: [Gather.InputEnum.Dtmf],
        action: new Uri(action, UriKind.Relative),
        method: PostMethod.Post,
        timeout: timeout,
        finishOnKey: "#",
        actionOnEmptyResult: true);

    /// <summary>
    /// Up to two minutes of audio ended by # or five seconds of silence; the recording status callback says what it
    /// is for so the download job knows where to link it.
    /// </summary>
    public static VoiceResponse Record(VoiceResponse response, string action, RecordingPurpose purpose, string? publicBaseUrl, bool transcribe = false) =>
        response.Record(
            action: new Uri(action, UriKind.Relative),
            method: PostMethod.Post,
            timeout: 5,
            finishOnKey: "#",
            maxLength: 120,
            playBeep: true,
            recordingStatusCallback: VoiceUrls.Callback($"{VoiceUrls.Recording}?purpose={purpose.ToString().ToLowerInvariant()}", publicBaseUrl),
            recordingStatusCallbackEvent: [RecordVerb.RecordingEventEnum.Completed],
            transcribe: transcribe ? true : null,
            transcribeCallback: transcribe ? VoiceUrls.Callback(VoiceUrls.Transcription, publicBaseUrl) : null);

    /// <summary>The key pressed, or the key whose words the caller said; null when neither matches.</summary>
    public char? Chosen(string speechKey, string? digits, string? speech, string allowed)
    {
        if (digits is { Length: 1 } && allowed.Contains(digits[0]))
        {
            return digits[0];
        }
        if (string.IsNullOrWhiteSpace(speech))
        {
            return null;
        }
        var words = speech.ToLower(Culture).Split([' ', ',', '.', '!', '?', '¿', '¡'], StringSplitOptions.RemoveEmptyEntries);
        var said = " " + string.Join(' ', words) + " ";
        foreach (var (word, key) in SpeechTable(speechKey))
        {
            if (allowed.Contains(key) && (said.Contains($" {word} ", StringComparison.Ordinal) || said.Contains($" {key} ", StringComparison.Ordinal)))
            {
                return key;
            }
        }
        return null;
    }

    // Parsed once per language and table: every menu prompt and every spoken answer needs one.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Language, string), Dictionary<string, char>> SpeechTables = new();

    private Dictionary<string, char> SpeechTable(string speechKey) =>
        SpeechTables.GetOrAdd((Language, speechKey), static (key, phrases) => phrases.ParseSpeechTable(key.Item2), this);

    /// <summary>"1=uno|abrir;2=dos" → word → key.</summary>
    private Dictionary<string, char> ParseSpeechTable(string speechKey) =>
        this[speechKey].Split(';')
            .Select(entry => entry.Split('=', 2))
            .SelectMany(pair => pair[1].Split('|').Select(word => (word, key: pair[0][0])))
            .DistinctBy(p => p.word)
            .ToDictionary(p => p.word, p => p.key);

    /// <summary>"1 2 3 4, 5 6 7 8": spoken digit by digit in the two groups the number is printed in.</summary>
    public static string DigitByDigit(string grouped) =>
        string.Join(", ", grouped.Split(' ').Select(group => string.Join(' ', group.ToCharArray())));
}
