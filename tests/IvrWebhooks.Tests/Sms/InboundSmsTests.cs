using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Notifications;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Sms;

public sealed class InboundSmsTests : IAsyncLifetime
{
    private SmsWebhookApp app = null!;
    private string Ana => app.Directory.AcmeContact.Phone!;
    private string Bob => app.Directory.GlobexContact.Phone!;

    public async Task InitializeAsync() => app = await SmsWebhookApp.StartAsync(new Dictionary<string, string?> { ["LookupGuard:MaxFailures"] = "3" });

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Task<List<CaseEvent>> NotesAsync(int caseId) =>
        app.WithDbAsync(db => db.CaseEvents.AsNoTracking().Where(e => e.CaseId == caseId && e.Kind == CaseEventKind.NotePublic).ToListAsync());

    [Theory]
    [InlineData("STATUS {0}")]
    [InlineData("estado {0}")]
    [InlineData("  Estado   {1} ")]
    [InlineData("status: {2}")]
    public async Task A_contact_asking_for_status_gets_status_severity_and_last_public_update(string format)
    {
        var @case = await app.OpenCaseAsync();
        await app.WithAsync<CaseWorkflow, CaseChange>(w => w.AddNoteAsync(@case.Id, null, "Technician on site at 10:00", isPublic: true, Actor.ForAgent(1, "Carmen")));
        var number = CaseNumber.TryParse(@case.Number, out var parsed) ? parsed : default;

        var (status, reply) = await app.TextAsync(Ana, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, @case.Number, number.Grouped, $"{@case.Number[..4]}-{@case.Number[4..]}"));

        Assert.Equal(200, status);
        Assert.Equal($"Caso {@case.Number}: nuevo, prioridad 2 (alta). Novedad: Technician on site at 10:00", reply);
    }

    [Fact]
    public async Task The_last_update_of_a_resolved_case_is_the_resolution_in_one_GSM7_segment()
    {
        var @case = await app.OpenCaseAsync();
        await app.WithAsync<CaseWorkflow, CaseChange>(w => w.AddNoteAsync(@case.Id, null, "Technician on site at 10:00", isPublic: true, Actor.ForAgent(1, "Carmen")));
        await app.WithAsync<CaseWorkflow, CaseChange>(w => w.ResolveAsync(@case.Id, null, Actor.ForAgent(1, "Carmen"), "Power supply replaced"));

        var (_, reply) = await app.TextAsync(Ana, $"ESTADO {@case.Number}");

        Assert.Equal($"Caso {@case.Number}: resuelto, prioridad 2 (alta). Novedad: Power supply replaced", reply);
        Assert.True(SmsSegments.IsGsm7(reply!));
    }

    [Fact]
    public async Task Another_organizations_case_gets_exactly_the_unknown_case_answer_and_counts_as_a_failed_lookup()
    {
        var acmeCase = await app.OpenCaseAsync();
        var unknown = CaseNumber.FromSequence(9000).Value;

        var (_, foreign) = await app.TextAsync(Bob, $"STATUS {acmeCase.Number}");
        var (_, missing) = await app.TextAsync(Bob, $"STATUS {unknown}");

        Assert.Equal(missing!.Replace(unknown, "N", StringComparison.Ordinal), foreign!.Replace(acmeCase.Number, "N", StringComparison.Ordinal));
        Assert.DoesNotContain("prioridad", foreign);
        Assert.DoesNotContain("severity", foreign);
        Assert.Equal(2, await app.WithDbAsync(db => db.FailedLookups.CountAsync(l => l.Caller == Bob)));
    }

    [Fact]
    public async Task A_sender_who_keeps_guessing_case_numbers_is_locked_out_even_for_real_ones()
    {
        var acmeCase = await app.OpenCaseAsync();
        for (var i = 1; i <= 3; i++)
        {
            await app.TextAsync(Ana, $"STATUS {CaseNumber.FromSequence(9000 + i).Value}");
        }

        var (_, reply) = await app.TextAsync(Ana, $"STATUS {acmeCase.Number}");

        Assert.Equal($"Demasiadas consultas fallidas desde este contacto. Llame al {SmsWebhookApp.SupportLine}, por favor.", reply);
    }

    [Fact]
    public async Task Free_text_from_a_contact_with_one_open_case_becomes_a_public_note_once_even_when_twilio_retries()
    {
        var @case = await app.OpenCaseAsync();
        var sid = app.NextMessageSid();

        var first = await app.TextAsync(Ana, "The router rebooted again at 9:15", sid);
        var retried = await app.TextAsync(Ana, "The router rebooted again at 9:15", sid);

        Assert.Equal($"Gracias, hemos añadido su mensaje al caso {@case.Number}.", first.Reply);
        Assert.Equal(first, retried);
        var note = Assert.Single(await NotesAsync(@case.Id));
        Assert.Equal("The router rebooted again at 9:15", note.Text);
        Assert.Equal("Ana", note.Actor);
        Assert.True(note.IsPublic);
    }

    [Fact]
    public async Task With_several_open_cases_the_reply_asks_for_the_number_and_a_number_first_message_is_filed_there()
    {
        var older = await app.OpenCaseAsync();
        var newer = await app.OpenCaseAsync();

        var (_, question) = await app.TextAsync(Ana, "Any news?");
        var (_, filed) = await app.TextAsync(Ana, $"{older.Number[..4]} {older.Number[4..]} any news on this one?");

        Assert.Contains(older.Number, question);
        Assert.Contains(newer.Number, question);
        Assert.Contains("Responda con el caso delante", question);
        Assert.Empty(await NotesAsync(newer.Id));
        Assert.Equal("any news on this one?", Assert.Single(await NotesAsync(older.Id)).Text);
        Assert.Contains(older.Number, filed);
    }

    [Fact]
    public async Task A_number_first_message_for_another_organizations_case_files_nothing_and_answers_as_unknown()
    {
        var acmeCase = await app.OpenCaseAsync();
        await app.OpenCaseAsync(app.Directory.GlobexContact.Id, app.Directory.GlobexStorage.Id);

        var (_, reply) = await app.TextAsync(Bob, $"{acmeCase.Number} hello");

        Assert.StartsWith($"We cannot find case {acmeCase.Number}", reply);
        Assert.Empty(await NotesAsync(acmeCase.Id));
    }

    [Fact]
    public async Task Stop_silences_every_sms_until_start()
    {
        var (_, stopped) = await app.TextAsync(Ana, "baja");
        var whileOut = await app.OpenCaseAsync();
        var (_, started) = await app.TextAsync(Ana, "ALTA");
        var afterIn = await app.OpenCaseAsync();

        Assert.Equal("Ya no le enviaremos SMS. Responda ALTA para volver a recibirlos.", stopped);
        Assert.StartsWith("Le enviaremos de nuevo SMS", started);
        var outbox = await app.WithDbAsync(db => db.Outbox.AsNoTracking().ToListAsync());
        Assert.DoesNotContain(outbox, m => m.CaseId == whileOut.Id);
        Assert.Contains(outbox, m => m.CaseId == afterIn.Id);
        Assert.True(await app.WithDbAsync(db => db.Contacts.Where(c => c.Phone == Ana).AllAsync(c => c.SmsOptIn)));
    }

    [Fact]
    public async Task An_opted_out_contact_gets_no_reply_but_their_words_still_reach_the_case()
    {
        var @case = await app.OpenCaseAsync();
        await app.TextAsync(Ana, "STOP");

        var (status, reply) = await app.TextAsync(Ana, "Still broken, call me after 5pm");
        var (_, help) = await app.TextAsync(Ana, "HELP");

        Assert.Equal(200, status);
        Assert.Null(reply);
        Assert.Equal("Still broken, call me after 5pm", Assert.Single(await NotesAsync(@case.Id)).Text);
        Assert.NotNull(help);
    }

    [Fact]
    public async Task An_unknown_phone_can_opt_out_too()
    {
        var (_, reply) = await app.TextAsync("+34699999999", "STOP");

        Assert.Equal("You will get no more SMS from us. Reply START to receive them again.", reply);
        Assert.True(await app.WithDbAsync(db => db.SmsOptOuts.AnyAsync(o => o.Phone == "+34699999999")));
    }

    [Theory]
    [InlineData("HELP", "Support SMS: STATUS <case>")]
    [InlineData("ayuda", "SMS de soporte: ESTADO <caso>")]
    public async Task Help_explains_the_commands_in_the_language_asked(string keyword, string expected)
    {
        var (_, reply) = await app.TextAsync("+34699999999", keyword);

        Assert.StartsWith(expected, reply);
        Assert.EndsWith(SmsWebhookApp.SupportLine, reply);
    }

    [Fact]
    public async Task An_unknown_sender_is_told_to_call_the_support_line()
    {
        var (_, reply) = await app.TextAsync("+34699999999", "hello, my printer is broken");

        Assert.Equal($"Su contacto no consta en el soporte por SMS. Llame al {SmsWebhookApp.SupportLine}, por favor.", reply);
    }

    [Fact]
    public async Task A_forged_message_is_refused_and_changes_nothing()
    {
        var @case = await app.OpenCaseAsync();

        var (status, _) = await app.TextAsync(Ana, "STOP", signature: "bm90IGEgc2lnbmF0dXJl");
        var (contentStatus, _) = await app.TextAsync(Ana, "please close it", signature: SmsWebhookApp.Sign(SmsWebhookApp.PublicBaseUrl + "/twilio/sms/incoming", new Dictionary<string, string> { ["Body"] = "something else" }));

        Assert.Equal(403, status);
        Assert.Equal(403, contentStatus);
        Assert.Empty(await NotesAsync(@case.Id));
        Assert.Equal(0, await app.WithDbAsync(db => db.InboundSms.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.SmsOptOuts.CountAsync()));
    }
}
