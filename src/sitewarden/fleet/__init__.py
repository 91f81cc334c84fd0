"""Fleet queries: one small language to ask which sites run what, in which state."""
