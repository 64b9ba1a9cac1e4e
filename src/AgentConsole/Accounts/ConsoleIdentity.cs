using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Accounts;

public static class ConsoleIdentity
{
    public const string StaffPolicy = "Staff";
    public const string AdminPolicy = "Admin";

    /// <summary>Identity on the shared database, cookie sign-in, and the console's authorization policies.</summary>
    public static WebApplicationBuilder AddConsoleIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Cookies, antiforgery tokens and sign-in links must read on every instance and survive restarts: the keys
        // live in the database. Only the console issues them; the phone line never loads a key ring.
        services.AddDataProtection().SetApplicationName("WebTicketing").PersistKeysToDbContext<WebTicketingDb>();
        services.AddIdentity<UserAccount, IdentityRole>(options =>
            {
                // Lockout slows guessing without locking a customer out for the whole day.
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                // Length over composition rules (NIST SP 800-63B): a passphrase beats "Passw0rd!".
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireDigit = false;
                options.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<WebTicketingDb>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<ConsoleClaimsFactory>();
        // A one-time link must still work the next morning, but not next week.
        services.Configure<DataProtectionTokenProviderOptions>(options => options.TokenLifespan = TimeSpan.FromDays(3));

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/denied";
            options.Cookie.Name = "webticketing";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(10);
            options.SlidingExpiration = true;
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "webticketing.af";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthorizationBuilder()
            // Everything needs a login unless it says otherwise: a forgotten attribute fails closed.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(StaffPolicy, policy => policy.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin))
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin));

        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<LoginLinks>();
        return builder;
    }
}

/// <summary>Puts who the login is (agent or contact, organization, name, language) in the cookie, so pages need no lookup for it.</summary>
internal sealed class ConsoleClaimsFactory(
    UserManager<UserAccount> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options,
    WebTicketingDb db)
    : UserClaimsPrincipalFactory<UserAccount, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(UserAccount user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.AgentId is { } agentId && await db.Agents.FindAsync(agentId) is { } agent)
        {
            identity.AddClaim(new Claim(ConsoleClaims.AgentId, agentId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            identity.AddClaim(new Claim(ConsoleClaims.Name, agent.Name));
        }
        else if (user.ContactId is { } contactId && await db.Contacts.FindAsync(contactId) is { } contact)
        {
            identity.AddClaim(new Claim(ConsoleClaims.ContactId, contactId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            identity.AddClaim(new Claim(ConsoleClaims.OrganizationId, contact.OrganizationId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            identity.AddClaim(new Claim(ConsoleClaims.Name, contact.Name));
        }
        if (user.PreferredLanguage is { } language)
        {
            identity.AddClaim(new Claim(ConsoleClaims.Language, language == Language.En ? "en" : "es"));
        }
        if (user.TimeZone is { } zone)
        {
            identity.AddClaim(new Claim(ConsoleClaims.TimeZone, zone));
        }
        return identity;
    }
}

public static class ConsoleClaims
{
    public const string AgentId = "wt:agent";
    public const string ContactId = "wt:contact";
    public const string OrganizationId = "wt:org";
    public const string Name = "wt:name";
    public const string Language = "wt:lang";
    public const string TimeZone = "wt:tz";
}
