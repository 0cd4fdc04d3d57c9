complete --keep-order --exclusive --command docket --arguments "(COMPLETE=fish docket -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
