from tinyuv import main


def test_main_greets(capsys) -> None:
    main()
    assert capsys.readouterr().out == "Hello from tinyuv!\n"
