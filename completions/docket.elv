
use builtin;
use str;

set edit:completion:arg-completer[docket] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'docket'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'docket'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Make a folder a casebook (git init, docket.toml, agents.toml)'
            cand demo 'Build a sample casebook with a dozen cases and list them'
            cand create 'Open a new case and print its ID'
            cand show 'Show a case: its fields, then its timeline'
            cand list 'List cases, with filters'
            cand assign 'Assign a case to an agent (or --unassign it)'
            cand comment 'Add a comment (customer-visible unless --internal)'
            cand escalate 'Raise a case''s escalation level, with a reason'
            cand set 'Change priority, type, title, tags or custom fields'
            cand wait 'Wait for the customer (state awaiting-info)'
            cand resolve 'Propose a solution (state resolved)'
            cand accept 'Record that the customer accepted the solution (state closed)'
            cand close 'Close a resolved case, optionally with a satisfaction score'
            cand reject 'Record that the customer refused the solution (back to open)'
            cand reopen 'Reopen a waiting, resolved, closed or cancelled case'
            cand cancel 'Cancel a case (no resolution)'
            cand autoclose 'Close resolved cases whose customer did not answer within the auto-close window'
            cand log 'Show a case''s history from Git, newest first'
            cand completions 'Print a shell completion script'
            cand generate-files 'Regenerate completions/ and man/ (for docket''s developers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docket;init'= {
            cand --prefix 'ID prefix for new cases'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;demo'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;create'= {
            cand -t 'One-line summary of the customer''s question or problem'
            cand --title 'One-line summary of the customer''s question or problem'
            cand --type 'Case type (from docket.toml `types`)'
            cand -p 'Priority (from docket.toml `priorities`, e.g. P1)'
            cand --priority 'Priority (from docket.toml `priorities`, e.g. P1)'
            cand --account 'Customer account'
            cand --contact 'Customer contact (a person''s name or address)'
            cand -b 'The first message; `-` reads it from stdin'
            cand --body 'The first message; `-` reads it from stdin'
            cand --field 'Custom field, KEY=VALUE (repeatable)'
            cand --tag 'Tag (repeatable)'
            cand --channel 'Channel the case came in through (email, phone, chat, web, sms, social)'
            cand --from 'Record the first message as the customer''s: `customer` (the contact) or a name'
            cand --assign 'Assign the new case to this agent right away'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;show'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;list'= {
            cand --state 'Only cases in this state (repeatable)'
            cand -p 'Only cases with this priority (repeatable)'
            cand --priority 'Only cases with this priority (repeatable)'
            cand --assignee 'Only cases assigned to this agent (`none` for unassigned)'
            cand --account 'Only cases of this account'
            cand --type 'Only cases of this type'
            cand --tag 'Only cases with this tag (repeatable: all must match)'
            cand --sort 'Sort order'
            cand -n 'Show at most N cases'
            cand --limit 'Show at most N cases'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand --mine 'Only cases assigned to me (--as, or my Git identity)'
            cand --open 'Only open cases (not closed or cancelled)'
            cand --header 'Print a header line in tsv format'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;assign'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand --unassign 'Remove the assignee'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;comment'= {
            cand -m 'The comment text'
            cand --message 'The comment text'
            cand -F 'Read the comment from a file'
            cand --file 'Read the comment from a file'
            cand --channel 'Channel (default: docket.toml default_channel)'
            cand --from 'Record the customer''s words: `customer` (the case''s contact) or a name'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand --internal 'An internal work note, not visible to the customer'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;escalate'= {
            cand -r 'Why the case is escalated'
            cand --reason 'Why the case is escalated'
            cand --team 'Hand the case to this team (from agents.toml)'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;set'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;wait'= {
            cand -r 'Why (recorded in the timeline)'
            cand --reason 'Why (recorded in the timeline)'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;resolve'= {
            cand -r 'The proposed solution'
            cand --resolution 'The proposed solution'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;accept'= {
            cand --csat 'Customer satisfaction score, 1 (bad) to 5 (great)'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;close'= {
            cand --csat 'Customer satisfaction score, 1 (bad) to 5 (great)'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;reject'= {
            cand -r 'Why (recorded in the timeline)'
            cand --reason 'Why (recorded in the timeline)'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;reopen'= {
            cand -r 'Why (recorded in the timeline)'
            cand --reason 'Why (recorded in the timeline)'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;cancel'= {
            cand -r 'Why (recorded in the timeline)'
            cand --reason 'Why (recorded in the timeline)'
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;autoclose'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand --dry-run 'Show what would be closed without writing'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;log'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;completions'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;generate-files'= {
            cand --casebook 'Use the casebook in DIR (default: the nearest folder holding docket.toml)'
            cand --format 'Output format for data'
            cand --as 'Act as this agent (a handle from agents.toml) instead of your Git identity'
            cand -q 'Print only data: no status messages'
            cand --quiet 'Print only data: no status messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docket;help'= {
            cand init 'Make a folder a casebook (git init, docket.toml, agents.toml)'
            cand demo 'Build a sample casebook with a dozen cases and list them'
            cand create 'Open a new case and print its ID'
            cand show 'Show a case: its fields, then its timeline'
            cand list 'List cases, with filters'
            cand assign 'Assign a case to an agent (or --unassign it)'
            cand comment 'Add a comment (customer-visible unless --internal)'
            cand escalate 'Raise a case''s escalation level, with a reason'
            cand set 'Change priority, type, title, tags or custom fields'
            cand wait 'Wait for the customer (state awaiting-info)'
            cand resolve 'Propose a solution (state resolved)'
            cand accept 'Record that the customer accepted the solution (state closed)'
            cand close 'Close a resolved case, optionally with a satisfaction score'
            cand reject 'Record that the customer refused the solution (back to open)'
            cand reopen 'Reopen a waiting, resolved, closed or cancelled case'
            cand cancel 'Cancel a case (no resolution)'
            cand autoclose 'Close resolved cases whose customer did not answer within the auto-close window'
            cand log 'Show a case''s history from Git, newest first'
            cand completions 'Print a shell completion script'
            cand generate-files 'Regenerate completions/ and man/ (for docket''s developers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docket;help;init'= {
        }
        &'docket;help;demo'= {
        }
        &'docket;help;create'= {
        }
        &'docket;help;show'= {
        }
        &'docket;help;list'= {
        }
        &'docket;help;assign'= {
        }
        &'docket;help;comment'= {
        }
        &'docket;help;escalate'= {
        }
        &'docket;help;set'= {
        }
        &'docket;help;wait'= {
        }
        &'docket;help;resolve'= {
        }
        &'docket;help;accept'= {
        }
        &'docket;help;close'= {
        }
        &'docket;help;reject'= {
        }
        &'docket;help;reopen'= {
        }
        &'docket;help;cancel'= {
        }
        &'docket;help;autoclose'= {
        }
        &'docket;help;log'= {
        }
        &'docket;help;completions'= {
        }
        &'docket;help;generate-files'= {
        }
        &'docket;help;help'= {
        }
    ]
    $completions[$command]
}
