#!/usr/bin/env bash
# Nothing has been released, so the schema is one InitialCreate migration per database engine: rebuild both after
# changing the model. SQLite's set belongs to WebTicketingDb (Data/Migrations), PostgreSQL's to PostgresWebTicketingDb
# (Data/Migrations/Postgres); neither command connects to a database. SQLite's context then runs on a model compiled
# from the same configuration (Data/CompiledModel), regenerated last; a Core test fails while it is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
rm -rf src/Core/Data/Migrations src/Core/Data/CompiledModel
dotnet ef migrations add InitialCreate --project src/Core --context WebTicketingDb --output-dir Data/Migrations
dotnet ef migrations add InitialCreate --project src/Core --context PostgresWebTicketingDb --output-dir Data/Migrations/Postgres --no-build
dotnet ef dbcontext optimize --project src/Core --context WebTicketingDb --output-dir Data/CompiledModel --namespace WebTicketing.Core.Data.CompiledModel --no-build
rm -f src/Core/design-time.db*
