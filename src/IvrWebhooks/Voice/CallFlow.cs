using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twilio.TwiML;
using Gather = Twilio.TwiML.Voice.Gather;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// The IVR as a state machine over <see cref="CallSession"/>: each webhook loads the call's session, answers the step
/// it was waiting for, stores the new step, and returns the TwiML that prompts for the next one.
/// </summary>
public sealed partial class CallFlow(
    WebTicketingDb db,
    CaseWorkflow workflow,
    LookupGuard guard,
    CallTransfer transfer,
    CallLocks locks,
    CallSessionRows sessions,
    TimeProvider time,
    IOptions<IvrOptions> ivr,
    IOptions<TwilioOptions> twilio,
    ILogger<CallFlow> logger)
{
    /// <summary>Failed answers at one step (no input, a wrong key, an unknown code) before the caller goes to an agent.</summary>
    public const int MaxAttempts = 3;

    public async Task<string> AnswerAsync(VoiceStep step, VoiceCall call, CancellationToken cancellationToken)
    {
        try
        {
            // Another instance may answer a webhook of this call at the same moment: then this starts again from what it saved.
            return await locks.RunAsync(call.CallSid, db, async () =>
            {
                var session = await sessions.FindAsync(db, call.CallSid, cancellationToken);
                if (session is not null && call.IdempotencyToken is { } token && session.LastIdempotencyToken == token && session.LastResponse is { } answered)
                {
                    // Twilio retried a request we already answered: the same TwiML again, nothing done twice.
                    return answered;
                }
                var isNew = session is null;
                session ??= Start(call);
                string document;
                if (isNew || IsAwaited(step, session))
                {
                    await HoldConnectionAsync(cancellationToken);
                    document = (await StepAsync(step, session, call, cancellationToken)).ToString();
                }
                else
                {
                    document = await StaleAsync(step, session, cancellationToken);
                }
                session.LastIdempotencyToken = call.IdempotencyToken;
                session.LastResponse = document;
                await SaveAsync(session, cancellationToken);
                return document;
            }, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// One connection for the reads of a step: EF otherwise takes one from the pool and gives it back around every
    /// query, and each pass through Microsoft.Data.Sqlite's pool takes a process-wide lock. Given back before a save
    /// (<see cref="SaveAsync"/>): a step waiting for the write gate must not hold one, or 100 calls in flight keep 100
    /// connections and their page caches (measured: 102 open at 100 concurrent webhooks).
    /// </summary>
    private async Task HoldConnectionAsync(CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Whether this webhook answers what the call is waiting for. Twilio only posts to the action of the document it
    /// is running, so anything else is a stale request (a late duplicate, a second browser tab of the dev phone).
    /// </summary>
    private static bool IsAwaited(VoiceStep step, CallSession session) => step switch
    {
        VoiceStep.Incoming => false,
        VoiceStep.DialResult => session.Step == nameof(VoiceStep.Transfer),
        _ => session.Step == step.ToString(),
    };

    /// <summary>
    /// A stale request changes nothing: the caller hears again what the call is waiting for. Only this flow moves a
    /// call's step, and each answer is stored with the step it leads to, so the stored answer is that prompt; it is
    /// rendered again (with its lookups) only for a call that has none yet, one a status callback created.
    /// </summary>
    private async Task<string> StaleAsync(VoiceStep step, CallSession session, CancellationToken ct)
    {
        if (step != VoiceStep.Incoming)
        {
            LogStale(session.CallSid, step, session.Step);
        }
        return session.LastResponse ?? (await PromptAsync(session, PhrasesFor(session), new VoiceResponse(), ct)).ToString();
    }

    private CallSession Start(VoiceCall call)
    {
        var now = time.GetUtcNow();
        unsaved = new CallSession { CallSid = call.CallSid, Caller = call.From, Step = nameof(VoiceStep.Incoming), StartedAt = now, UpdatedAt = now };
        return unsaved;
    }

    /// <summary>The session this webhook started, until its row is stored.</summary>
    private CallSession? unsaved;

    /// <summary>
    /// Stores the session. The session is not tracked by EF (<see cref="CallSessionRows"/> reads and writes it); when
    /// the step also changed other rows (a transfer's screen pop, a callback task), it joins them in one SaveChanges,
    /// so they are stored together or not at all.
    /// </summary>
    internal async Task SaveAsync(CallSession session, CancellationToken cancellationToken)
    {
        session.UpdatedAt = time.GetUtcNow();
        var isNew = ReferenceEquals(session, unsaved);
        await db.Database.CloseConnectionAsync();
        if (!db.ChangeTracker.HasChanges())
        {
            await (isNew ? sessions.InsertAsync(db, session, cancellationToken) : sessions.UpdateAsync(db, session, cancellationToken));
        }
        else
        {
            var entry = isNew ? db.CallSessions.Add(session) : db.CallSessions.Update(session);
            if (!isNew)
            {
                entry.Property(s => s.Version).OriginalValue = session.Version++;
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            finally
            {
                entry.State = EntityState.Detached;
            }
        }
        unsaved = null;
    }

    internal Phrases PhrasesFor(CallSession session) => new(session.Language ?? Language.Es, ivr.Value.Voices);

    private Task<VoiceResponse> StepAsync(VoiceStep step, CallSession session, VoiceCall call, CancellationToken ct) => step switch
    {
        VoiceStep.Incoming => IncomingAsync(session, ct),
        VoiceStep.Language => LanguageAsync(session, call, ct),
        VoiceStep.Menu => MenuAsync(session, call, ct),
        VoiceStep.Code => CodeAsync(session, call, ct),
        VoiceStep.ConfirmCode => ConfirmCodeAsync(session, call, ct),
        VoiceStep.CallbackNumber => CallbackNumberAsync(session, call, ct),
        VoiceStep.Severity => SeverityAsync(session, call, ct),
        VoiceStep.Description => DescriptionAsync(session, call, ct),
        VoiceStep.Opened => OpenedAsync(session, call, ct),
        VoiceStep.CaseNumber => CaseNumberAsync(session, call, ct),
        VoiceStep.CaseCode => CaseCodeAsync(session, call, ct),
        VoiceStep.CaseMenu => CaseMenuAsync(session, call, ct),
        VoiceStep.Note => NoteAsync(session, call, ct),
        VoiceStep.DialResult => transfer.DialResultAsync(session, call, PhrasesFor(session), ct),
        VoiceStep.Voicemail => transfer.VoicemailAsync(session, call, PhrasesFor(session), Typed(call), ct),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Not a step the caller answers."),
    };

    private async Task<VoiceResponse> IncomingAsync(CallSession session, CancellationToken ct)
    {
        var response = new VoiceResponse();
        var known = PhoneNumbers.IsE164(session.Caller)
            ? await db.Contacts.AsNoTracking().Where(c => c.Phone == session.Caller).OrderBy(c => c.Id).FirstOrDefaultAsync(ct)
            : null;
        if (known is null)
        {
            return await MoveAsync(session, VoiceStep.Language, response, ct);
        }
        session.Language = known.Language;
        var phrases = PhrasesFor(session);
        phrases.Say(response, phrases.Format("WelcomeContact", known.Name));
        return await MoveAsync(session, VoiceStep.Menu, response, ct);
    }

    private async Task<VoiceResponse> LanguageAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        switch (PhrasesFor(session).Chosen("Speech_Language", call.Digits, call.Speech, "12"))
        {
            case '1':
                session.Language = Language.Es;
                break;
            case '2':
                session.Language = Language.En;
                break;
            default:
                return await RetryAsync(session, call, ct);
        }
        var response = new VoiceResponse();
        PhrasesFor(session).Say(response, PhrasesFor(session)["Welcome"]);
        return await MoveAsync(session, VoiceStep.Menu, response, ct);
    }

    private async Task<VoiceResponse> MenuAsync(CallSession session, VoiceCall call, CancellationToken ct) =>
        PhrasesFor(session).Chosen("Speech_Menu", call.Digits, call.Speech, "120") switch
        {
            '1' => await MoveAsync(session, VoiceStep.Code, new VoiceResponse(), ct),
            '2' => await MoveAsync(session, VoiceStep.CaseNumber, new VoiceResponse(), ct),
            '0' => await transfer.DialAsync(session, PhrasesFor(session), new VoiceResponse(), ct),
            _ => await RetryAsync(session, call, ct),
        };

    private async Task<VoiceResponse> CodeAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        var phrases = PhrasesFor(session);
        var digits = call.Digits?.TrimEnd('#');
        if (string.IsNullOrEmpty(digits))
        {
            return await RetryAsync(session, call, ct);
        }
        if (await guard.IsLockedOutAsync(session.Caller, ct))
        {
            return await LockedOutAsync(session, ct);
        }
        var code = MaintenanceCode.IsWellFormed(digits)
            ? await db.MaintenanceCodes.AsNoTracking()
                .Include(c => c.Equipment).ThenInclude(e => e.Site).ThenInclude(s => s.Region)
                .SingleOrDefaultAsync(c => c.Code == digits, ct)
            : null;
        var response = new VoiceResponse();
        if (code is null)
        {
            if (await guard.RecordFailureAsync(session.Caller, "maintenance code", ct))
            {
                return await LockedOutAsync(session, ct);
            }
            phrases.Say(response, phrases["CodeUnknown"]);
            return await CodeFailedAsync(session, response, ct);
        }
        var site = code.Equipment.Site;
        // Validity days are the customer's days: judged in the site's own time zone.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(site.Region.TimeZone)).DateTime);
        switch (code.ValidityOn(today))
        {
            case CodeValidity.NotYetValid:
                phrases.Say(response, phrases.Format("CodeNotYetValid", SpokenDate(phrases, code.ValidFrom)));
                return await CodeFailedAsync(session, response, ct);
            case CodeValidity.Expired:
                phrases.Say(response, phrases.Format("CodeExpired", SpokenDate(phrases, code.ValidUntil!.Value)));
                return await CodeFailedAsync(session, response, ct);
        }
        session.MaintenanceCode = code.Code;
        session.EquipmentId = code.EquipmentId;
        session.OrganizationId = site.OrganizationId;
        return await MoveAsync(session, VoiceStep.ConfirmCode, response, ct);
    }

    private async Task<VoiceResponse> CodeFailedAsync(CallSession session, VoiceResponse response, CancellationToken ct)
    {
        session.CodeFailures++;
        var phrases = PhrasesFor(session);
        if (session.CodeFailures >= MaxAttempts)
        {
            return await transfer.DialAsync(session, phrases, response, ct);
        }
        phrases.Say(response, phrases["TryAgain"]);
        return await PromptAsync(session, phrases, response, ct);
    }

    private async Task<VoiceResponse> ConfirmCodeAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        switch (PhrasesFor(session).Chosen("Speech_Confirm", call.Digits, call.Speech, "12"))
        {
            case '1':
                var contact = PhoneNumbers.IsE164(session.Caller)
                    ? await db.Contacts.AsNoTracking()
                        .Where(c => c.OrganizationId == session.OrganizationId && c.Phone == session.Caller)
                        .OrderBy(c => c.Id).FirstOrDefaultAsync(ct)
                    : null;
                session.ContactId = contact?.Id;
                return await MoveAsync(session, contact is null ? VoiceStep.CallbackNumber : VoiceStep.Severity, new VoiceResponse(), ct);
            case '2':
                session.MaintenanceCode = null;
                session.EquipmentId = null;
                session.OrganizationId = null;
                return await MoveAsync(session, VoiceStep.Code, new VoiceResponse(), ct);
            default:
                return await RetryAsync(session, call, ct);
        }
    }

    private async Task<VoiceResponse> CallbackNumberAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        var digits = call.Digits?.TrimEnd('#');
        if (string.IsNullOrEmpty(digits))
        {
            return await RetryAsync(session, call, ct);
        }
        // Callers key the international prefix as 00 or leave it out; either way the number is stored as E.164.
        var number = "+" + (digits.StartsWith("00", StringComparison.Ordinal) ? digits[2..] : digits);
        if (!PhoneNumbers.IsE164(number))
        {
            return await RetryAsync(session, call, ct, "CallbackInvalid");
        }
        session.CallbackPhone = number;
        return await MoveAsync(session, VoiceStep.Severity, new VoiceResponse(), ct);
    }

    private async Task<VoiceResponse> SeverityAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        if (PhrasesFor(session).Chosen("Speech_Severity", call.Digits, call.Speech, "1234") is not { } key)
        {
            return await RetryAsync(session, call, ct);
        }
        session.Severity = (Severity)(key - '0');
        return await MoveAsync(session, VoiceStep.Description, new VoiceResponse(), ct);
    }

    private async Task<VoiceResponse> DescriptionAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        if (session.CaseOpened)
        {
            // The Record action came again (a retry without its token, or the fallback redirect): the case exists.
            return await MoveAsync(session, VoiceStep.Opened, new VoiceResponse(), ct);
        }
        var description = DescriptionText(session, call);
        var phrases = PhrasesFor(session);
        var response = new VoiceResponse();
        if (description is null)
        {
            session.Attempts++;
            phrases.Say(response, phrases["NothingRecorded"]);
            if (session.Attempts < MaxAttempts)
            {
                return await PromptAsync(session, phrases, response, ct);
            }
        }
        session.RecordingSid = call.RecordingSid ?? session.RecordingSid;
        session.Description = description ?? session.Description;
        var @case = await OpenCaseAsync(session, ct);
        // Nothing recorded after three tries: the case holds what was keyed in and an agent takes the description.
        return @case is null || description is null
            ? await transfer.DialAsync(session, phrases, response, ct)
            : await MoveAsync(session, VoiceStep.Opened, response, ct);
    }

    /// <summary>What the caller said about the problem: the recording, or in Local mode the text typed on the dev phone.</summary>
    private string? DescriptionText(CallSession session, VoiceCall call) =>
        Typed(call) ?? (call.RecordingSid is null ? null : PhrasesFor(session).Format("RecordedDescription", call["RecordingDuration"] ?? "?"));

    /// <summary>Text the dev phone sends instead of audio; honoured in Local mode only, where no real caller exists.</summary>
    private string? Typed(VoiceCall call) => twilio.Value.Mode == TwilioMode.Local ? call["DevTyped"] : null;

    private async Task<Case?> OpenCaseAsync(CallSession session, CancellationToken ct)
    {
        if (session.EquipmentId is not { } equipmentId || session.Severity is not { } severity)
        {
            return null;
        }
        // The session is saved first so a collision inside the workflow (which clears the tracker) cannot lose it.
        await SaveAsync(session, ct);
        var change = await workflow.OpenAsync(
            new OpenCaseRequest(equipmentId, severity, session.Description ?? PhrasesFor(session)["NoDescription"], Channel.Phone,
                session.ContactId, session.CallbackPhone, session.Language, OpeningKey: $"call:{session.CallSid}"),
            Actor.Phone, ct);
        if (!change.Succeeded || change.Case is null)
        {
            LogOpenFailed(session.CallSid, change.Problem);
            return null;
        }
        session.CaseId = change.Case.Id;
        session.CaseOpened = true;
        if (session.RecordingPath is { } path && session.RecordingSid is { } sid)
        {
            // The recording was downloaded before the case existed (its callback won the race): link it now.
            await workflow.AttachRecordingAsync(change.Case.Id, sid, path, isDescription: true, Actor.Phone, ct);
        }
        return change.Case;
    }

    private async Task<VoiceResponse> OpenedAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        var urgent = session.Severity is { } severity && ivr.Value.IsUrgent(severity);
        return PhrasesFor(session).Chosen("Speech_Opened", call.Digits, call.Speech, urgent ? "10" : "1") switch
        {
            '1' => await PromptAsync(session, PhrasesFor(session), new VoiceResponse(), ct),
            '0' => await transfer.DialAsync(session, PhrasesFor(session), new VoiceResponse(), ct),
            _ => Goodbye(session, new VoiceResponse()),
        };
    }

    private async Task<VoiceResponse> CaseNumberAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        var digits = call.Digits?.TrimEnd('#');
        if (string.IsNullOrEmpty(digits))
        {
            return await RetryAsync(session, call, ct);
        }
        if (await guard.IsLockedOutAsync(session.Caller, ct))
        {
            return await LockedOutAsync(session, ct);
        }
        if (!CaseNumber.TryParse(digits, out var number))
        {
            return await RetryAsync(session, call, ct, "CaseNumberMistyped");
        }
        var found = await db.Cases.AsNoTracking().Where(c => c.Number == number.Value)
            .Select(c => new { c.Id, c.OrganizationId }).SingleOrDefaultAsync(ct);
        if (found is null)
        {
            if (await guard.RecordFailureAsync(session.Caller, "case number", ct))
            {
                return await LockedOutAsync(session, ct);
            }
            return await RetryAsync(session, call, ct, "CaseNotFound");
        }
        var isContact = PhoneNumbers.IsE164(session.Caller)
            && await db.Contacts.AnyAsync(c => c.OrganizationId == found.OrganizationId && c.Phone == session.Caller, ct);
        if (isContact)
        {
            session.CaseId = found.Id;
            return await MoveAsync(session, VoiceStep.CaseMenu, new VoiceResponse(), ct);
        }
        session.PendingCaseId = found.Id;
        return await MoveAsync(session, VoiceStep.CaseCode, new VoiceResponse(), ct);
    }

    private async Task<VoiceResponse> CaseCodeAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        var digits = call.Digits?.TrimEnd('#');
        if (string.IsNullOrEmpty(digits) || session.PendingCaseId is not { } caseId)
        {
            return await RetryAsync(session, call, ct);
        }
        if (await guard.IsLockedOutAsync(session.Caller, ct))
        {
            return await LockedOutAsync(session, ct);
        }
        var matches = await db.Cases.AnyAsync(c => c.Id == caseId
            && db.MaintenanceCodes.Any(m => m.EquipmentId == c.EquipmentId && m.Code == digits), ct);
        if (!matches)
        {
            if (await guard.RecordFailureAsync(session.Caller, "case maintenance code", ct))
            {
                return await LockedOutAsync(session, ct);
            }
            return await RetryAsync(session, call, ct, "CaseCodeWrong");
        }
        session.CaseId = caseId;
        session.PendingCaseId = null;
        return await MoveAsync(session, VoiceStep.CaseMenu, new VoiceResponse(), ct);
    }

    private async Task<VoiceResponse> CaseMenuAsync(CallSession session, VoiceCall call, CancellationToken ct) =>
        PhrasesFor(session).Chosen("Speech_CaseMenu", call.Digits, call.Speech, "109") switch
        {
            '1' => await MoveAsync(session, VoiceStep.Note, new VoiceResponse(), ct),
            '0' => await transfer.DialAsync(session, PhrasesFor(session), new VoiceResponse(), ct),
            '9' => await PromptAsync(session, PhrasesFor(session), new VoiceResponse(), ct),
            _ => await RetryAsync(session, call, ct),
        };

    private async Task<VoiceResponse> NoteAsync(CallSession session, VoiceCall call, CancellationToken ct)
    {
        var phrases = PhrasesFor(session);
        var response = new VoiceResponse();
        var typed = Typed(call);
        if (session.CaseId is { } caseId && (call.RecordingSid is not null || typed is not null))
        {
            var text = typed ?? $"{phrases["VoiceNote"]} ({call.RecordingSid})";
            await workflow.AddNoteAsync(caseId, null, text, isPublic: true, Actor.Phone, ct);
            phrases.Say(response, phrases["NoteSaved"]);
        }
        else
        {
            phrases.Say(response, phrases["NothingRecorded"]);
        }
        return await MoveAsync(session, VoiceStep.CaseMenu, response, ct);
    }

    /// <summary>Another go at the current step after no input or a wrong answer; the third failure goes to an agent.</summary>
    private async Task<VoiceResponse> RetryAsync(CallSession session, VoiceCall call, CancellationToken ct, string? problemKey = null)
    {
        var phrases = PhrasesFor(session);
        var response = new VoiceResponse();
        var noInput = call.Digits is null && call.Speech is null;
        session.Attempts++;
        phrases.Say(response, phrases[problemKey ?? (noInput ? "NoInput" : "Invalid")]);
        if (session.Attempts >= MaxAttempts)
        {
            return await transfer.DialAsync(session, phrases, response, ct);
        }
        return await PromptAsync(session, phrases, response, ct);
    }

    private async Task<VoiceResponse> LockedOutAsync(CallSession session, CancellationToken ct)
    {
        var phrases = PhrasesFor(session);
        var response = new VoiceResponse();
        LogLockedOut(session.CallSid, LookupGuard.KeyFor(session.Caller));
        phrases.Say(response, phrases["LockedOut"]);
        return await transfer.DialAsync(session, phrases, response, ct);
    }

    private async Task<VoiceResponse> MoveAsync(CallSession session, VoiceStep step, VoiceResponse response, CancellationToken ct)
    {
        if (session.Step != step.ToString())
        {
            session.Step = step.ToString();
            session.Attempts = 0;
        }
        return await PromptAsync(session, PhrasesFor(session), response, ct);
    }

    private static VoiceResponse Goodbye(CallSession session, VoiceResponse response, Phrases? phrases = null)
    {
        session.Step = nameof(VoiceStep.Done);
        phrases?.Say(response, phrases["Goodbye"]);
        return response.Hangup();
    }

    /// <summary>Appends the prompt of the session's current step: what the caller hears when the step starts or repeats.</summary>
    private async Task<VoiceResponse> PromptAsync(CallSession session, Phrases phrases, VoiceResponse response, CancellationToken ct)
    {
        var step = Enum.Parse<VoiceStep>(session.Step);
        var action = VoiceUrls.For(step);
        switch (step)
        {
            case VoiceStep.Language:
                // Both languages, each in its own voice: nobody has chosen yet.
                var spanish = new Phrases(Language.Es, ivr.Value.Voices);
                var english = new Phrases(Language.En, ivr.Value.Voices);
                var choose = spanish.Choice(action, "Speech_Language");
                spanish.Say(choose, spanish["LanguageMenu"]);
                english.Say(choose, english["LanguageMenu"]);
                return response.Append(choose);
            case VoiceStep.Menu:
                return Ask(response, phrases.Choice(action, "Speech_Menu"), phrases, phrases["MainMenu"]);
            case VoiceStep.Code:
                return Ask(response, Phrases.Keypad(action), phrases, phrases["CodePrompt"]);
            case VoiceStep.ConfirmCode:
                var equipment = await db.Equipment.AsNoTracking().Include(e => e.Site).ThenInclude(s => s.Organization)
                    .SingleAsync(e => e.Id == session.EquipmentId, ct);
                return Ask(response, phrases.Choice(action, "Speech_Confirm"), phrases,
                    phrases.Format("CodeConfirm", equipment.Site.Organization.Name, equipment.Site.Name, equipment.Product));
            case VoiceStep.CallbackNumber:
                return Ask(response, Phrases.Keypad(action, timeout: 15), phrases, phrases["CallbackPrompt"]);
            case VoiceStep.Severity:
                return Ask(response, phrases.Choice(action, "Speech_Severity"), phrases, phrases["SeverityPrompt"]);
            case VoiceStep.Description:
                phrases.Say(response, phrases["DescriptionPrompt"]);
                // Twilio transcribes English only: Spanish callers' recordings stand on their own.
                Phrases.Record(response, action, RecordingPurpose.Description, twilio.Value.PublicBaseUrl, transcribe: phrases.Language == Language.En);
                // Twilio skips the action when nothing was recorded and runs the next verb: come back as "no input".
                return response.Redirect(new Uri(action, UriKind.Relative));
            case VoiceStep.Opened:
                return await OpenedPromptAsync(session, phrases, response, ct);
            case VoiceStep.CaseNumber:
                return Ask(response, Phrases.Keypad(action), phrases, phrases["CaseNumberPrompt"]);
            case VoiceStep.CaseCode:
                return Ask(response, Phrases.Keypad(action), phrases, phrases["CaseCodePrompt"]);
            case VoiceStep.CaseMenu:
                var status = await CaseStatus.DescribeAsync(db, session.CaseId!.Value, phrases, ct);
                var menu = phrases.Choice(action, "Speech_CaseMenu", actionOnEmpty: false);
                foreach (var sentence in status)
                {
                    phrases.Say(menu, sentence);
                }
                Ask(response, menu, phrases, phrases["CaseMenu"]);
                // No key pressed: the caller has heard what they called for.
                phrases.Say(response, phrases["Goodbye"]);
                return response.Hangup();
            case VoiceStep.Note:
                phrases.Say(response, phrases["NotePrompt"]);
                Phrases.Record(response, action, RecordingPurpose.Note, twilio.Value.PublicBaseUrl);
                return response.Redirect(new Uri(action, UriKind.Relative));
            case VoiceStep.Transfer:
            case VoiceStep.DialResult:
            case VoiceStep.Voicemail:
            case VoiceStep.Done:
                return Goodbye(session, response, phrases);
            default:
                return await IncomingAsync(session, ct);
        }
    }

    private static VoiceResponse Ask(VoiceResponse response, Gather gather, Phrases phrases, string prompt)
    {
        phrases.Say(gather, prompt);
        return response.Append(gather);
    }

    private async Task<VoiceResponse> OpenedPromptAsync(CallSession session, Phrases phrases, VoiceResponse response, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking()
            .Include(c => c.Region).Include(c => c.Contact)
            .SingleAsync(c => c.Id == session.CaseId, ct);
        var urgent = ivr.Value.IsUrgent(@case.Severity);
        var gather = phrases.Choice(VoiceUrls.For(VoiceStep.Opened), "Speech_Opened", actionOnEmpty: false);
        phrases.Say(gather, phrases.Format("CaseOpened", Phrases.DigitByDigit(CaseNumber.TryParse(@case.Number, out var n) ? n.Grouped : @case.Number)));
        if (SlaPromise.Sentence(@case, phrases, time.GetUtcNow()) is { } promise)
        {
            phrases.Say(gather, promise);
        }
        if (@case.Contact is { SmsOptIn: true })
        {
            // The SMS itself is queued by the workflow's case-opened notification; here the caller is only told.
            phrases.Say(gather, phrases["SmsFollows"]);
        }
        phrases.Say(gather, phrases["OpenedRepeat"]);
        if (urgent)
        {
            phrases.Say(gather, phrases["OpenedUrgent"]);
        }
        phrases.Say(gather, phrases["OpenedHangUp"]);
        response.Append(gather);
        phrases.Say(response, phrases["Goodbye"]);
        return response.Hangup();
    }

    private static string SpokenDate(Phrases phrases, DateOnly day) =>
        day.ToString(phrases.Language == Language.En ? "MMMM d, yyyy" : "d 'de' MMMM 'de' yyyy", phrases.Culture);

    [LoggerMessage(LogLevel.Warning, "Call {CallSid}: the case could not be opened ({Problem})")]
    private partial void LogOpenFailed(string callSid, string? problem);

    [LoggerMessage(LogLevel.Information, "Call {CallSid}: {Step} answered while the call waits at {Awaited}; prompting again")]
    private partial void LogStale(string callSid, VoiceStep step, string awaited);

    [LoggerMessage(LogLevel.Warning, "Call {CallSid}: lookups locked out for {Caller}, sent to an agent")]
    private partial void LogLockedOut(string callSid, string caller);
}
