//! The signed-in user, from `GET /api/auth/me` (cookie session). Refreshed every 60 s while
//! signed in, and right after every login.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::dto::auth::UserMe;
use saring_domain::{PageStatus, Role};

use crate::api;
use crate::guards::Visitor;

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// The first `/api/auth/me` has not answered yet.
    Loading,
    Guest,
    User(Box<UserMe>),
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
}

impl Session {
    /// Creates the context, asks who is signed in, and keeps the answer fresh.
    pub fn start() -> Self {
        let s = Session {
            state: RwSignal::new(SessionState::Loading),
        };
        s.refresh();
        let handle = set_interval_with_handle(
            move || {
                if matches!(s.state.get_untracked(), SessionState::User(_)) {
                    s.refresh();
                }
            },
            Duration::from_secs(60),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
        s
    }

    /// Re-reads `/api/auth/me`; a 401 means "signed out".
    pub fn refresh(&self) {
        let state = self.state;
        spawn_local(async move {
            match api::auth::me().await {
                Ok(user) => state.set(SessionState::User(Box::new(user))),
                Err(e) if e.is_unauthorized() || e.http_status == 403 || e.http_status == 404 => {
                    state.set(SessionState::Guest)
                }
                // Network trouble: keep what we know, but stop "loading".
                Err(_) => {
                    if state.get_untracked() == SessionState::Loading {
                        state.set(SessionState::Guest);
                    }
                }
            }
        });
    }

    pub fn set_user(&self, user: UserMe) {
        self.state.set(SessionState::User(Box::new(user)));
    }

    pub fn clear(&self) {
        self.state.set(SessionState::Guest);
    }

    pub fn user(&self) -> Option<UserMe> {
        self.state.with(|s| match s {
            SessionState::User(u) => Some((**u).clone()),
            _ => None,
        })
    }

    pub fn is_loading(&self) -> bool {
        self.state.with(|s| *s == SessionState::Loading)
    }

    pub fn visitor(&self) -> Visitor {
        self.state.with(|s| match s {
            SessionState::Loading => Visitor::Unknown,
            SessionState::Guest => Visitor::Guest,
            SessionState::User(u) => Visitor::User {
                role: u.role,
                status: u.access_status,
            },
        })
    }

    pub fn role(&self) -> Option<Role> {
        self.state.with(|s| match s {
            SessionState::User(u) => Some(u.role),
            _ => None,
        })
    }

    pub fn status(&self) -> Option<PageStatus> {
        self.state.with(|s| match s {
            SessionState::User(u) => Some(u.access_status),
            _ => None,
        })
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
