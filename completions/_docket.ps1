
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'docket' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'docket'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'docket' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make a folder a casebook (git init, docket.toml, agents.toml)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Build a sample casebook with a dozen cases and list them')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Open a new case and print its ID')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a case: its fields, then its timeline')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cases, with filters')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign a case to an agent (or --unassign it)')
            [CompletionResult]::new('comment', 'comment', [CompletionResultType]::ParameterValue, 'Add a comment (customer-visible unless --internal)')
            [CompletionResult]::new('escalate', 'escalate', [CompletionResultType]::ParameterValue, 'Raise a case''s escalation level, with a reason')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change priority, type, title, tags or custom fields')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait for the customer (state awaiting-info)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Propose a solution (state resolved)')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Record that the customer accepted the solution (state closed)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a resolved case, optionally with a satisfaction score')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Record that the customer refused the solution (back to open)')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a waiting, resolved, closed or cancelled case')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a case (no resolution)')
            [CompletionResult]::new('autoclose', 'autoclose', [CompletionResultType]::ParameterValue, 'Close resolved cases whose customer did not answer within the auto-close window')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show a case''s history from Git, newest first')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate-files', 'generate-files', [CompletionResultType]::ParameterValue, 'Regenerate completions/ and man/ (for docket''s developers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docket;init' {
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'ID prefix for new cases')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;demo' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;create' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'One-line summary of the customer''s question or problem')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'One-line summary of the customer''s question or problem')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Case type (from docket.toml `types`)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Priority (from docket.toml `priorities`, e.g. P1)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Priority (from docket.toml `priorities`, e.g. P1)')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Customer account')
            [CompletionResult]::new('--contact', '--contact', [CompletionResultType]::ParameterName, 'Customer contact (a person''s name or address)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'The first message; `-` reads it from stdin')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'The first message; `-` reads it from stdin')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Custom field, KEY=VALUE (repeatable)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag (repeatable)')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Channel the case came in through (email, phone, chat, web, sms, social)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Record the first message as the customer''s: `customer` (the contact) or a name')
            [CompletionResult]::new('--assign', '--assign', [CompletionResultType]::ParameterName, 'Assign the new case to this agent right away')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;show' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;list' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only cases in this state (repeatable)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only cases with this priority (repeatable)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Only cases with this priority (repeatable)')
            [CompletionResult]::new('--assignee', '--assignee', [CompletionResultType]::ParameterName, 'Only cases assigned to this agent (`none` for unassigned)')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Only cases of this account')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only cases of this type')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only cases with this tag (repeatable: all must match)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort order')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most N cases')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N cases')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('--mine', '--mine', [CompletionResultType]::ParameterName, 'Only cases assigned to me (--as, or my Git identity)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Only open cases (not closed or cancelled)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Print a header line in tsv format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;assign' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('--unassign', '--unassign', [CompletionResultType]::ParameterName, 'Remove the assignee')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;comment' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The comment text')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The comment text')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the comment from a file')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the comment from a file')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Channel (default: docket.toml default_channel)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Record the customer''s words: `customer` (the case''s contact) or a name')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('--internal', '--internal', [CompletionResultType]::ParameterName, 'An internal work note, not visible to the customer')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;escalate' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Why the case is escalated')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the case is escalated')
            [CompletionResult]::new('--team', '--team', [CompletionResultType]::ParameterName, 'Hand the case to this team (from agents.toml)')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;set' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;wait' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;resolve' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The proposed solution')
            [CompletionResult]::new('--resolution', '--resolution', [CompletionResultType]::ParameterName, 'The proposed solution')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;accept' {
            [CompletionResult]::new('--csat', '--csat', [CompletionResultType]::ParameterName, 'Customer satisfaction score, 1 (bad) to 5 (great)')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;close' {
            [CompletionResult]::new('--csat', '--csat', [CompletionResultType]::ParameterName, 'Customer satisfaction score, 1 (bad) to 5 (great)')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;reject' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;reopen' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;cancel' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the timeline)')
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;autoclose' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be closed without writing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;log' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;completions' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;generate-files' {
            [CompletionResult]::new('--casebook', '--casebook', [CompletionResultType]::ParameterName, 'Use the casebook in DIR (default: the nearest folder holding docket.toml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for data')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this agent (a handle from agents.toml) instead of your Git identity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data: no status messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docket;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make a folder a casebook (git init, docket.toml, agents.toml)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Build a sample casebook with a dozen cases and list them')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Open a new case and print its ID')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a case: its fields, then its timeline')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cases, with filters')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign a case to an agent (or --unassign it)')
            [CompletionResult]::new('comment', 'comment', [CompletionResultType]::ParameterValue, 'Add a comment (customer-visible unless --internal)')
            [CompletionResult]::new('escalate', 'escalate', [CompletionResultType]::ParameterValue, 'Raise a case''s escalation level, with a reason')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change priority, type, title, tags or custom fields')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait for the customer (state awaiting-info)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Propose a solution (state resolved)')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Record that the customer accepted the solution (state closed)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a resolved case, optionally with a satisfaction score')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Record that the customer refused the solution (back to open)')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a waiting, resolved, closed or cancelled case')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a case (no resolution)')
            [CompletionResult]::new('autoclose', 'autoclose', [CompletionResultType]::ParameterValue, 'Close resolved cases whose customer did not answer within the auto-close window')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show a case''s history from Git, newest first')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate-files', 'generate-files', [CompletionResultType]::ParameterValue, 'Regenerate completions/ and man/ (for docket''s developers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docket;help;init' {
            break
        }
        'docket;help;demo' {
            break
        }
        'docket;help;create' {
            break
        }
        'docket;help;show' {
            break
        }
        'docket;help;list' {
            break
        }
        'docket;help;assign' {
            break
        }
        'docket;help;comment' {
            break
        }
        'docket;help;escalate' {
            break
        }
        'docket;help;set' {
            break
        }
        'docket;help;wait' {
            break
        }
        'docket;help;resolve' {
            break
        }
        'docket;help;accept' {
            break
        }
        'docket;help;close' {
            break
        }
        'docket;help;reject' {
            break
        }
        'docket;help;reopen' {
            break
        }
        'docket;help;cancel' {
            break
        }
        'docket;help;autoclose' {
            break
        }
        'docket;help;log' {
            break
        }
        'docket;help;completions' {
            break
        }
        'docket;help;generate-files' {
            break
        }
        'docket;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
