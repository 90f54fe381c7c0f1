def test_a(live_server, world):
    pass

def test_b(live_server, world):
    pass
