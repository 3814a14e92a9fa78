#!/usr/bin/env bash
# The steps of prysm's CI recipes. The GitHub Actions workflow (github-actions.yml) and
# the GitLab CI file (gitlab-ci.yml) beside this script both call it, and prysm's test
# suite runs it against a PhotoPrism emulator, so the recipes cannot rot.
#
#   prysm-ci.sh plan    validate the manifests, make the plan, save it, and write the
#                       pull-request comment (Markdown)
#   prysm-ci.sh apply   apply exactly the saved plan (refused if the server changed since),
#                       then check that a new plan has nothing left to do
#
# Environment:
#   PRYSM_MANIFESTS   manifest file or directory               (default: manifests)
#   PRYSM_OUT         where the plan, comment and flags go      (default: prysm-plan)
#   PHOTOPRISM_URL and PHOTOPRISM_TOKEN (or PHOTOPRISM_USERNAME and PHOTOPRISM_PASSWORD):
#                     the server and an admin login, as for any prysm command
#
#   PRYSM_PAGE_URL    optional: where reviewers find plan.html (e.g. the CI run's artifacts);
#                     GitHub Actions' run page is used when its variables are set
#
# Files in $PRYSM_OUT after `plan`:
#   plan.json    the saved plan; keep it (a CI artifact) and hand it to `apply`
#   plan.html    the plan as one self-contained page with thumbnails of the photos it
#                touches (upload it as an artifact; it holds no token and loads nothing)
#   comment.md   the comment to post: the Markdown plan, or why no plan could be made
#   changes      `true` when the plan has changes, `false` when it has none
set -euo pipefail

manifests="${PRYSM_MANIFESTS:-manifests}"
out="${PRYSM_OUT:-prysm-plan}"

plan() {
    mkdir -p "$out"
    rm -f "$out/plan.json" "$out/plan.html" "$out/comment.md" "$out/changes"
    local status=0
    prysm validate -f "$manifests" >&2 2>"$out/errors.txt" || status=$?
    if [ "$status" -eq 0 ]; then
        # 0: no changes, 2: changes, anything else: no plan (invalid manifest, budget
        # exceeded, server unreachable...).
        prysm plan -f "$manifests" --out "$out/plan.json" --markdown --detailed-exitcode \
            --html "$out/plan.html" >"$out/comment.md" 2>"$out/errors.txt" || status=$?
    fi
    case "$status" in
        0) echo false >"$out/changes" ;;
        2)
            echo true >"$out/changes"
            page_note >>"$out/comment.md"
            ;;
        *)
            # The reviewer sees why, in the pull request itself.
            {
                echo "### prysm plan failed"
                echo
                echo "No plan was made, so nothing can be applied. prysm said:"
                echo
                # An indented code block: no line of the message can end it.
                sed 's/^/    /' "$out/errors.txt"
            } >"$out/comment.md"
            cat "$out/errors.txt" >&2
            return "$status"
            ;;
    esac
    cat "$out/comment.md"
}

# One line for the comment: where the page with the thumbnails is.
page_note() {
    echo
    if [ -n "${PRYSM_PAGE_URL:-}" ]; then
        echo "🖼️ **See the photos:** [plan.html]($PRYSM_PAGE_URL) shows a thumbnail of every photo this plan touches."
    elif [ -n "${GITHUB_RUN_ID:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
        local run="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
        echo "🖼️ **See the photos:** download the \`prysm-plan-page\` artifact of [this run]($run) and open \`plan.html\`: a thumbnail of every photo this plan touches."
    else
        echo "🖼️ **See the photos:** \`plan.html\`, next to the saved plan in this CI job's artifacts, shows a thumbnail of every photo this plan touches."
    fi
}

apply() {
    if [ ! -f "$out/plan.json" ]; then
        echo "prysm-ci.sh: no saved plan at $out/plan.json; run \`prysm-ci.sh plan\` first" >&2
        return 1
    fi
    # What is about to happen, in the job log.
    prysm show "$out/plan.json"
    prysm apply "$out/plan.json"
    # Converged: a new plan from the same manifests has nothing to do (exit 0).
    prysm plan -f "$manifests" --detailed-exitcode
}

case "${1:-}" in
    plan) plan ;;
    apply) apply ;;
    *)
        echo "usage: prysm-ci.sh plan|apply" >&2
        exit 64
        ;;
esac
