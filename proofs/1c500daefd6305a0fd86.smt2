; corpus/history/2.6.24-5.12-x86/x86_64-ident_64-pte_val.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x479 (bvsub RSP (_ bv8 64))))
(let ((?x896 (bvadd ?x479 (_ bv8 64))))
(let (($x397 (and (distinct ?x896 RSP) true)))
(let (($x329 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x393 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x101 (= TF (_ bv0 1))))
(let (($x243 (= VM (_ bv0 1))))
(let (($x878 (= DF (_ bv0 1))))
(and $x878 $x243 $x101 $x393 (or $x329 $x397)))))))))))
(check-sat)
