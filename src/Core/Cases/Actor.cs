namespace WebTicketing.Core.Cases;

/// <summary>Who is making a change: decides what the workflow allows and what the timeline shows.</summary>
public sealed record Actor(ActorKind Kind, string DisplayName, int? AgentId = null, int? ContactId = null, int? OrganizationId = null)
{
    public static readonly Actor System = new(ActorKind.System, "system");
    public static readonly Actor Phone = new(ActorKind.Caller, "phone");

    public static Actor ForAgent(int agentId, string name) => new(ActorKind.Agent, name, AgentId: agentId);
    public static Actor ForContact(int contactId, int organizationId, string name) =>
        new(ActorKind.Contact, name, ContactId: contactId, OrganizationId: organizationId);

    public bool IsStaff => Kind is ActorKind.Agent or ActorKind.System;
}

public enum ActorKind
{
    System,
    Agent,
    Contact,
    Caller,
}
