#!/bin/sh
# Rebuild catalog/catalog.yaml from catalog/build/models.yaml and the shared public data.
# Usage (from anywhere): catalog/build/rebuild.sh [--check] [--data DIR]
#   --check  write nothing; exit 1 if catalog/catalog.yaml is not what the recipe produces.
# The data folder defaults to ../shared/data beside the repository (see its README for origins).
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
exec "${PYTHON:-python}" -m advisor.importers.rebuild "$@"
