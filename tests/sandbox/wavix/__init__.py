"""The Wavix sandbox against Wavix's spec: the contract, numbers, trunks, E911, messaging,
segments and fault injection."""
