; corpus/history/2.6.24-5.12-x86/x86_64-ident_32.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x336 (bvsub RSP (_ bv8 64))))
(let ((?x262 (bvadd ?x336 (_ bv8 64))))
(let (($x786 (and (distinct ?x262 RSP) true)))
(let (($x98 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x183 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x628 (= TF (_ bv0 1))))
(let (($x6 (= VM (_ bv0 1))))
(let (($x579 (= DF (_ bv0 1))))
(and $x579 $x6 $x628 $x183 (or $x98 $x786)))))))))))
(check-sat)
