; corpus/history/2.6.24-5.12-x86/x86_64-ident_64-pte_val.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x690 (bvsub RSP (_ bv8 64))))
(let ((?x199 (bvadd ?x690 (_ bv8 64))))
(let (($x378 (and (distinct ?x199 RSP) true)))
(let (($x579 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x394 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x352 (= TF (_ bv0 1))))
(let (($x298 (= VM (_ bv0 1))))
(let (($x786 (= DF (_ bv0 1))))
(and $x786 $x298 $x352 $x394 (or $x579 $x378)))))))))))
(check-sat)
