using System.Text.Json.Nodes;

namespace WebTicketing.Core.Tests.Directory;

/// <summary>A small valid directory file, and variants of it with one thing changed.</summary>
public static class DirectorySamples
{
    public const string Valid = """
        {
          "regions": [
            { "code": "es-mad", "name": "Madrid", "calendar": {
                "timeZone": "Europe/Madrid",
                "hours": { "Monday": ["09:00-14:00", "16:00-19:00"], "Friday": ["08:00-15:00"] },
                "holidays": ["2026-01-06"] } },
            { "code": "mx-cdmx", "name": "Ciudad de México", "calendar": {
                "timeZone": "America/Mexico_City", "hours": { "Monday": ["09:00-18:00"] } } }
          ],
          "organizations": [
            { "code": "hospital", "name": "Hospital Demo", "sites": [
                { "code": "central", "name": "Central", "address": "Calle 1, Madrid", "region": "es-mad", "equipment": [
                    { "serialNumber": "VS-1", "product": "VitalSense", "version": "3.6",
                      "maintenanceCodes": [ { "code": "100001", "validFrom": "2025-01-01", "validUntil": "2027-12-31" } ] },
                    { "serialNumber": "VS-2", "product": "VitalSense", "version": "2.4",
                      "maintenanceCodes": [ { "code": "0100002", "validFrom": "2026-01-01" } ] } ] } ],
              "contacts": [
                { "name": "Lucía", "phone": "+34600000001", "email": "lucia@hospital.example", "language": "es", "smsOptIn": true,
                  "login": { "password": "demo-cliente-1" } },
                { "name": "Javier", "email": "javier@hospital.example", "language": "ES" } ] },
            { "code": "valle", "name": "Transportes del Valle", "sites": [
                { "code": "cedis", "name": "CEDIS", "region": "mx-cdmx", "equipment": [
                    { "serialNumber": "RM-1", "product": "RouteMaster", "version": "4.2",
                      "maintenanceCodes": [ { "code": "200001", "validFrom": "2025-06-01" } ] } ] } ],
              "contacts": [
                { "name": "Guadalupe", "phone": "+525500000001", "email": "lupe@valle.example", "language": "es", "login": true } ] }
          ],
          "supportGroups": [
            { "code": "general", "name": "General", "default": true, "onCall": { "tier1": "+34600000090", "tier3": "+34600000092" } },
            { "code": "medical", "name": "Médicos", "onCall": { "tier1": "+34600000093" },
              "routing": [ { "product": "VitalSense", "minVersion": "3.0" } ] },
            { "code": "medical-legacy", "name": "Médicos antiguos",
              "routing": [ { "product": "VitalSense", "maxVersion": "2.99" }, { "product": "InfuPump", "minVersion": "1.0", "maxVersion": "4.9" } ] }
          ],
          "agents": [
            { "email": "ana@soporte.example", "name": "Ana", "phone": "+34600000010", "tier": 1, "language": "es",
              "groups": ["general", "medical"], "login": { "password": "demo-agente-1" } },
            { "email": "elena@soporte.example", "name": "Elena", "tier": 3, "role": "supervisor", "language": "es",
              "groups": ["medical-legacy"], "login": true },
            { "email": "sam@soporte.example", "name": "Sam", "tier": 2, "language": "en", "groups": ["medical"] }
          ]
        }
        """;

    public static JsonObject Parse() => JsonNode.Parse(Valid)!.AsObject();

    public static string With(Action<JsonObject> change)
    {
        var file = Parse();
        change(file);
        return file.ToJsonString();
    }

    public static JsonObject Organization(this JsonObject file, int i) => file["organizations"]![i]!.AsObject();
    public static JsonObject Site(this JsonObject file, int organization, int i) => file.Organization(organization)["sites"]![i]!.AsObject();
    public static JsonObject Equipment(this JsonObject file, int i) => file.Site(0, 0)["equipment"]![i]!.AsObject();
    public static JsonObject Code(this JsonObject file, int equipment) => file.Equipment(equipment)["maintenanceCodes"]![0]!.AsObject();
    public static JsonObject Contact(this JsonObject file, int organization, int i) => file.Organization(organization)["contacts"]![i]!.AsObject();
    public static JsonObject Group(this JsonObject file, int i) => file["supportGroups"]![i]!.AsObject();
    public static JsonObject Agent(this JsonObject file, int i) => file["agents"]![i]!.AsObject();
    public static JsonObject Calendar(this JsonObject file, int region) => file["regions"]![region]!["calendar"]!.AsObject();
}
