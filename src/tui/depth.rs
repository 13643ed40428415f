//! `update`'s part for the depth of a session: the quick kickoff or the full interview, chosen
//! on a new session's first screen, with F4, or by `resume --full`/`--quick`.

use super::app::App;
use super::msg::{Banner, Cmd, Overlay, Screen};
use crate::session::Depth;

/// The quick path or the full interview: every answer stays; the focus goes to the first
/// question asked and not answered.
pub(super) fn set_depth(app: &mut App, depth: Depth) -> Vec<Cmd> {
    let from_choice = matches!(app.overlay, Some(Overlay::Depth { .. }));
    app.overlay = None;
    if !app.interview.set_depth(depth) {
        if from_choice {
            app.banner = Some(Banner::info(
                "The full interview: every question that applies. `kickoff resume --quick FILE` \
                 asks only the essential ones.",
            ));
        }
        return Vec::new();
    }
    announce_depth(app);
    vec![Cmd::Save]
}

/// After the depth changed (here, or by `resume --full`/`--quick`): the interview screen on
/// the first question not answered, and a note of what is asked now.
pub(super) fn announce_depth(app: &mut App) {
    app.screen = Screen::Interview;
    app.load_field();
    let (quick, full) = app.interview.depth_sizes();
    app.banner = Some(Banner::info(match app.interview.session().depth {
        Depth::Quick => format!(
            "Quick kickoff: {quick} essential questions (more if your answers call for them). \
             F4 goes on with the full interview at any time; every answer stays."
        ),
        Depth::Full => format!(
            "Full interview: {} more; here is the first one not answered.",
            crate::text::plural(full.saturating_sub(quick), "question", None)
        ),
    }));
}
