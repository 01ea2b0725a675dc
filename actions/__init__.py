"""The things that change the world. Each runs inside the transaction its caller opened and
records its events there, so a change and its events commit together or not at all."""
