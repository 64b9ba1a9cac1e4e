#!/usr/bin/env bash
# Nothing has been released, so the schema is one InitialCreate migration: rebuild it after changing the model.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
rm -rf src/Core/Data/Migrations
dotnet ef migrations add InitialCreate --project src/Core --output-dir Data/Migrations
rm -f src/Core/design-time.db*
