using System.Globalization;
using Microsoft.AspNetCore.Localization;
using WebTicketing.AgentConsole.Accounts;

namespace WebTicketing.AgentConsole.Localization;

/// <summary>The console's strings are written in English in the code and translated in Resources/SharedResource.es.resx.</summary>
public sealed class SharedResource;

public static class ConsoleLocalization
{
    public static readonly string[] Cultures = ["es", "en"];

    public static IServiceCollection AddConsoleLocalization(this IServiceCollection services)
    {
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddScoped<ConsoleTime>();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            // Spanish is the service's first language; English for whoever asks for it.
            options.SetDefaultCulture("es").AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            options.RequestCultureProviders =
            [
                // The login's saved preference wins, then the switcher's cookie, then the browser.
                new CustomRequestCultureProvider(context =>
                    Task.FromResult(context.User.FindFirst(ConsoleClaims.Language)?.Value is { } language
                        ? new ProviderCultureResult(language)
                        : null)),
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    public static bool IsSupported(string? culture) => culture is not null && Cultures.Contains(culture);

    public static string Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
}
