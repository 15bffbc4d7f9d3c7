; corpus/history/2.6.24-5.12-x86/x86_64-ident_32.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x910 (bvsub RSP (_ bv8 64))))
(let ((?x231 (bvadd ?x910 (_ bv8 64))))
(let (($x878 (and (distinct ?x231 RSP) true)))
(let (($x696 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x561 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x528 (= TF (_ bv0 1))))
(let (($x438 (= VM (_ bv0 1))))
(let (($x519 (= DF (_ bv0 1))))
(and $x519 $x438 $x528 $x561 (or $x696 $x878)))))))))))
(check-sat)
