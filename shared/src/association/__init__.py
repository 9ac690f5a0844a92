"""Library shared by the association's services: events, store, messaging, auth, web plumbing."""
