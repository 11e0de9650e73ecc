"""Every route declares who may use it, in one place: the policy decorator on its view."""


def test_every_route_declares_an_access_policy(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not hasattr(app.view_functions[rule.endpoint], "access_policy")
    ]

    assert undeclared == []


def test_signed_in_routes_send_visitors_to_sign_in(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        policy = getattr(view, "access_policy", ("public",))
        if policy[0] == "public" or rule.arguments or "GET" not in rule.methods:
            continue
        response = client.get(rule.rule)
        assert response.status_code == 302, rule.rule
        assert "/sign-in?next=" in response.headers["Location"], rule.rule
        checked += 1

    assert checked >= 3
