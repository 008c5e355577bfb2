"""Background work: rows written in a request's transaction, sent later by `pressroom worker`."""
