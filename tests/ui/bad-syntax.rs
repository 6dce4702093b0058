// Input that is not one of the macro's forms.
witbind::generate!({ world: "w" } extra);

witbind::generate!("w" "x");

witbind::generate!("w" in wit);

witbind::generate!({ world: });

witbind::generate!({ world "w" });

witbind::generate!([world: "w"]);

fn main() {}
