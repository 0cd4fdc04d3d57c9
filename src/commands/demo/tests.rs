//! The demo story: it parses, every step is one edit, every article it sends exists.

use super::*;

#[test]
fn the_story_parses_and_every_step_makes_one_edit() {
    let story: Story = toml::from_str(STORY).unwrap();
    assert_eq!(story.case.len(), 16);
    // The articles are valid, and every article a step sends exists.
    let slugs: Vec<&str> = story.article.iter().map(|a| a.slug.as_str()).collect();
    for a in &story.article {
        let text = crate::core::kb::render(&a.header, &a.body);
        let parsed = crate::core::kb::parse(&a.slug, &text).unwrap();
        let types: Vec<String> = ["incident", "question", "problem", "request"]
            .map(String::from)
            .to_vec();
        assert!(crate::core::kb::check(&parsed, &slugs, &types).is_empty());
    }
    for s in story.case.iter().flat_map(|c| &c.steps) {
        if let Some(slug) = &s.send {
            assert!(slugs.contains(&slug.as_str()), "{slug}");
        }
    }
    for c in &story.case {
        for s in &c.steps {
            let edits = [
                s.assign.is_some(),
                s.comment.is_some(),
                s.note.is_some(),
                s.escalate.is_some(),
                s.set.is_some(),
                s.wait.is_some(),
                s.resolve.is_some(),
                s.accept.is_some(),
                s.close.is_some(),
                s.reject.is_some(),
                s.cancel.is_some(),
                s.guide.is_some(),
                s.send.is_some(),
            ];
            assert_eq!(edits.iter().filter(|e| **e).count(), 1, "{}", c.title);
        }
    }
}
