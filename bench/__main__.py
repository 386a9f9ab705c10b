"""`python -m bench [tiering] [import] [customer_list] [plan_pdf] [plan_page] [budget_page] [guest_list] [rsvp] [send] [checkin] [--rebuild] [--explain]`:
run the named benchmarks (all by default) and print their figures."""
import argparse
import importlib

BENCHMARKS = ("tiering", "import", "customer_list", "plan_pdf", "plan_page", "budget_page", "guest_list", "rsvp", "send", "checkin")


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], metavar="NAME",
                        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached databases in bench/data/")
    parser.add_argument("--explain", action="store_true", help="also print the query plans (tiering)")
    args = parser.parse_args()
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"bench.bench_{name}")
        options = {"rebuild": args.rebuild}
        if name == "tiering":
            options["explain"] = args.explain
        module.run(**options)


if __name__ == "__main__":
    main()
