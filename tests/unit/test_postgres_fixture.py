import psycopg2


def test_fixture_server_answers_queries(postgres_server):
    db = postgres_server.create_database("fixture_check")
    with psycopg2.connect(db.dsn()) as conn, conn.cursor() as cur:
        cur.execute("select version(), current_database()")
        version, name = cur.fetchone()
    assert version.startswith("PostgreSQL 15")
    assert name == "fixture_check"
